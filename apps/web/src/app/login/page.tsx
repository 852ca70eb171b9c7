import type { Metadata } from 'next';
import { LoginScreen } from '@/features/auth/components/login-screen';

export const metadata: Metadata = { title: 'Sign in' };

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  return <LoginScreen next={first(params.next)} error={first(params.error)} notice={first(params.notice)} />;
}
