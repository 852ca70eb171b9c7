'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { currentBrowserPath, isOnLoginPage, loginHref } from '@/lib/auth-redirect';
import { makeQueryClient } from '@/lib/query-client';

export function Providers({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [queryClient] = useState(() =>
    makeQueryClient(() => {
      // Any 401 from a data query means the session is gone.
      if (!isOnLoginPage()) router.replace(loginHref(currentBrowserPath()));
    }),
  );
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
