import type { Route } from 'next';

export const LOGIN_PATH = '/login';

/** Only same-origin paths, so `?next=` cannot send the operator to another site. */
export function safeNextPath(raw: string | null | undefined): Route {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (raw === LOGIN_PATH || raw.startsWith(`${LOGIN_PATH}?`) || raw.startsWith(`${LOGIN_PATH}/`)) return '/';
  return raw as Route;
}

/** `/login`, remembering where the operator was so sign-in can take them back. */
export function loginHref(from?: string): Route {
  const next = from ? safeNextPath(from) : '/';
  return (next === '/' ? LOGIN_PATH : `${LOGIN_PATH}?next=${encodeURIComponent(next)}`) as Route;
}

export function currentBrowserPath(): string {
  return `${window.location.pathname}${window.location.search}`;
}

export function isOnLoginPage(): boolean {
  return window.location.pathname === LOGIN_PATH;
}
