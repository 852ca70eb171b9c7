import type { Metadata } from 'next';
import { AccountsView } from '@/features/accounts/components/accounts-view';
import { RequirePermission } from '@/features/auth/components/require-permission';

export const metadata: Metadata = { title: 'Accounts' };

export default function AccountsPage() {
  return (
    <RequirePermission permission="accounts:read">
      <AccountsView />
    </RequirePermission>
  );
}
