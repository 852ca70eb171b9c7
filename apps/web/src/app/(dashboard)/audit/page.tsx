import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui';
import { AuditView } from '@/features/audit/components/audit-view';

export const metadata: Metadata = { title: 'Audit' };

export default function AuditPage() {
  return (
    <>
      <PageHeader
        title="Audit"
        description="A record of every change made through the admin API: who, what and when. Secrets never appear here."
      />
      <AuditView />
    </>
  );
}
