import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageHeader, PageSkeleton } from '@/components/ui';
import { OverviewDashboard } from '@/features/overview/components/overview-dashboard';

export const metadata: Metadata = { title: 'Overview' };

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" description="Traffic, spend and health across the whole gateway." />
      {/* The range and the filters live in the URL; reading them needs a boundary during prerendering. */}
      <Suspense fallback={<PageSkeleton label="Loading the overview" />}>
        <OverviewDashboard />
      </Suspense>
    </>
  );
}
