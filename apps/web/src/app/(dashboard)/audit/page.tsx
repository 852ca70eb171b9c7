import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui';
import { AuditView } from '@/features/audit/components/audit-view';
import { RequirePermission } from '@/features/auth/components/require-permission';

export const metadata: Metadata = { title: 'Audit' };

export default function AuditPage() {
  return (
    <RequirePermission permission="audit:read">
      <PageHeader
        title="Audit"
        description="A record of every change made through the admin API: who, what and when. Secrets never appear here."
      />
      <AuditView />
    </RequirePermission>
  );
}
