import type { Metadata } from 'next';
import { Suspense } from 'react';
import { PageSkeleton } from '@/components/ui';
import { RequirePermission } from '@/features/auth/components/require-permission';
import { PricesPage } from '@/features/prices/components/prices-page';

export const metadata: Metadata = { title: 'Model prices' };

export default function Page() {
  return (
    <RequirePermission permission="config:read">
      {/* The search lives in the URL (?search=…), read on the client. */}
      <Suspense fallback={<PageSkeleton label="Loading model prices" />}>
        <PricesPage />
      </Suspense>
    </RequirePermission>
  );
}
