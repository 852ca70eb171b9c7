import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui';
import { KeyIcon } from '@/components/ui/icons';

export const metadata: Metadata = { title: 'Projects & keys' };

export default function ProjectsPage() {
  return (
    <>
      <PageHeader
        title="Projects & keys"
        description="Who may call the gateway, with which keys, budgets and limits."
      />
      <EmptyState
        icon={<KeyIcon size={22} />}
        title="Projects and keys will be listed here"
        description="Projects own virtual keys, budgets and rate limits. A key’s secret is shown once when it is created; the gateway keeps only its hash."
      />
    </>
  );
}
