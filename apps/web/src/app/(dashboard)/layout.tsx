import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { Toaster } from '@/components/ui/toast';
import { SessionGuard } from '@/features/auth/components/session-guard';
import { SessionMenu } from '@/features/auth/components/session-menu';

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <AppShell topBarActions={<SessionMenu />}>
        <SessionGuard>{children}</SessionGuard>
      </AppShell>
      {/* The one toaster, outside the page column (inert while the drawer is open); toasts raised on a
          page stay up across navigation. */}
      <Toaster />
    </>
  );
}
