import type { Metadata } from 'next';
import { RequirePermission } from '@/features/auth/components/require-permission';
import { AlertsPage } from '@/features/alerts/components/alerts-page';

export const metadata: Metadata = { title: 'Alerts' };

export default function Page() {
  return (
    <RequirePermission permission="config:read">
      <AlertsPage />
    </RequirePermission>
  );
}
