import type { Metadata } from 'next';
import { EmptyState, PageHeader } from '@/components/ui';
import { ModelGroupsIcon } from '@/components/ui/icons';

export const metadata: Metadata = { title: 'Model groups' };

export default function ModelGroupsPage() {
  return (
    <>
      <PageHeader
        title="Model groups"
        description="The model names clients call, and how each one is routed."
      />
      <EmptyState
        icon={<ModelGroupsIcon size={22} />}
        title="Model groups will be listed here"
        description="A model group is the model name a client asks for. It spreads requests over one or more deployments with a routing strategy, retries and fallbacks."
      />
    </>
  );
}
