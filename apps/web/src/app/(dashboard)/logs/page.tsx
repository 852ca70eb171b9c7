import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui';
import { LogsIcon } from '@/components/ui/icons';

export const metadata: Metadata = { title: 'Logs' };

export default function LogsPage() {
  return (
    <>
      <PageHeader title="Logs" description="Every request that went through the gateway." />
      <EmptyState
        icon={<LogsIcon size={22} />}
        title="Request logs will appear here"
        description="Each request with its time, project, model group, deployment, status, latency, tokens and cost, filterable and paginated on the server."
      />
    </>
  );
}
