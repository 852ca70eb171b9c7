import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui';
import { DeploymentsIcon } from '@/components/ui/icons';

export const metadata: Metadata = { title: 'Deployments' };

export default function DeploymentsPage() {
  return (
    <>
      <PageHeader
        title="Deployments"
        description="Upstream model endpoints the gateway routes requests to."
      />
      <EmptyState
        icon={<DeploymentsIcon size={22} />}
        title="Deployments will be listed here"
        description="Each deployment pairs one upstream model with its endpoint, encrypted API key, rate limits and prices. This page will show their health, cooldowns and recent traffic."
      />
    </>
  );
}
