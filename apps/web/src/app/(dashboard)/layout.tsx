import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { SessionGuard } from '@/features/auth/components/session-guard';
import { SessionMenu } from '@/features/auth/components/session-menu';

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <AppShell topBarActions={<SessionMenu />}>
      <SessionGuard>{children}</SessionGuard>
    </AppShell>
  );
}
