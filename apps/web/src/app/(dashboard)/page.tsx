import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui';
import { OverviewPlaceholder } from '@/features/overview/components/overview-placeholder';

export const metadata: Metadata = { title: 'Overview' };

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" description="Traffic, spend and health across the whole gateway." />
      <OverviewPlaceholder />
    </>
  );
}
