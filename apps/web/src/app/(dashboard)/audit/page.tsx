import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui';
import { AuditIcon } from '@/components/ui/icons';

export const metadata: Metadata = { title: 'Audit' };

export default function AuditPage() {
  return (
    <>
      <PageHeader title="Audit" description="A record of every change made through the admin API." />
      <EmptyState
        icon={<AuditIcon size={22} />}
        title="Audit events will appear here"
        description="Every admin change is recorded with who made it, what changed and when. Secrets never appear in the audit log."
      />
    </>
  );
}
