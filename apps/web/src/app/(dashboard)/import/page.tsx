import type { Metadata } from 'next';
import { RequirePermission } from '@/features/auth/components/require-permission';
import { ImportPage } from '@/features/import/components/import-page';

export const metadata: Metadata = { title: 'Import' };

export default function Page() {
  return (
    <RequirePermission permission="import:write">
      <ImportPage />
    </RequirePermission>
  );
}
