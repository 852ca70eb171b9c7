'use client';

import { useEffect } from 'react';
import { ErrorState } from '@/components/ui';

export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <ErrorState
      title="This page failed to load"
      message="Something went wrong while showing this page. Try again; if it keeps failing, reload the console."
      onRetry={retry}
    />
  );
}
