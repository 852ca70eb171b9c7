import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageSkeleton } from '@/components/ui';
import { LogDetailView } from '@/features/logs/components/log-detail-view';

export const metadata: Metadata = { title: 'Request' };

export default async function LogDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<PageSkeleton label="Loading request" />}>
      <LogDetailView id={id} />
    </Suspense>
  );
}
