import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageHeader, PageSkeleton } from '@/components/ui';
import { LogsView } from '@/features/logs/components/logs-view';

export const metadata: Metadata = { title: 'Logs' };

export default function LogsPage() {
  return (
    <>
      <PageHeader title="Logs" description="Every request that went through the gateway, newest first." />
      {/* The filters live in the URL; reading them needs a boundary during prerendering. */}
      <Suspense fallback={<PageSkeleton label="Loading logs" />}>
        <LogsView />
      </Suspense>
    </>
  );
}
