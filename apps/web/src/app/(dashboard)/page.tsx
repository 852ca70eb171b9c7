import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui';
import { OverviewDashboard } from '@/features/overview/components/overview-dashboard';

export const metadata: Metadata = { title: 'Overview' };

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" description="Traffic, spend and health across the whole gateway." />
      <OverviewDashboard />
    </>
  );
}
