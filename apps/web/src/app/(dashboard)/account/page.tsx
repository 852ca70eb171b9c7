import type { Metadata } from 'next';
import { MyAccountView } from '@/features/me/components/my-account-view';

export const metadata: Metadata = { title: 'My account' };

export default function MyAccountPage() {
  return <MyAccountView />;
}
