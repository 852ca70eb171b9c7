import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui';
import { ImportIcon } from '@/components/ui/icons';

export const metadata: Metadata = { title: 'Import' };

export default function ImportPage() {
  return (
    <>
      <PageHeader title="Import" description="Bring an existing configuration into Switchboard." />
      <EmptyState
        icon={<ImportIcon size={22} />}
        title="Configuration import will live here"
        description="Load deployments and model groups from an existing configuration file, with a preview of every change before anything is applied."
      />
    </>
  );
}
