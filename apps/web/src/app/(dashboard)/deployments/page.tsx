import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageSkeleton } from '@/components/ui';
import { DeploymentsPage } from '@/features/deployments/components/deployments-page';

export const metadata: Metadata = { title: 'Deployments' };

export default function Page() {
  return (
    // The filter lives in the URL (?modelGroup=…), read on the client.
    <Suspense fallback={<PageSkeleton label="Loading deployments" />}>
      <DeploymentsPage />
    </Suspense>
  );
}
