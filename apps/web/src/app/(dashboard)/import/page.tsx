import type { Metadata } from 'next';
import { Toaster } from '@/components/ui/toast';
import { ImportPage } from '@/features/import/components/import-page';

export const metadata: Metadata = { title: 'Import' };

export default function Page() {
  return (
    <>
      <ImportPage />
      <Toaster />
    </>
  );
}
