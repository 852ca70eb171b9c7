import type { Metadata } from 'next';
import { SetPasswordScreen } from '@/features/auth/components/set-password-screen';

export const metadata: Metadata = { title: 'Set your password' };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function SetPasswordPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { token } = await searchParams;
  return <SetPasswordScreen token={Array.isArray(token) ? token[0] : token} />;
}
