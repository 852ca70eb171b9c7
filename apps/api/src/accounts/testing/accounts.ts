import { hashPassword } from '../../auth/password-hasher';
import type { TestApp } from '../../testing/test-app';

/** The password every account made here has. */
export const TEST_PASSWORD = 'a long enough passphrase';
/** The console sends it on every change made with its session cookie. */
export const CSRF_HEADER = { 'x-switchboard-csrf': '1' } as const;

/** An active account written straight to the database; returns its id. */
export async function addAccount(
  t: TestApp,
  email: string,
  role: string,
  projectIds: readonly string[] = [],
): Promise<string> {
  const { rows } = await t.db.query<{ id: string }>(
    `INSERT INTO "Account" (id, email, "displayName", role, "projectIds", status, "passwordHash", "updatedAt")
     VALUES (gen_random_uuid(), $1, $1, $2, $3::uuid[], 'active', $4, now()) RETURNING id`,
    [email, role, projectIds, await hashPassword(TEST_PASSWORD)],
  );
  return rows[0]!.id;
}

/** Signs in with the account's password; returns the session cookie (`sb_session=…`). */
export async function loginCookie(t: TestApp, email: string): Promise<string> {
  const res = await fetch(`${t.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADER },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** A personal admin API token (`sb-admin-…`) of the account, valid for a day. */
export async function apiTokenFor(t: TestApp, email: string): Promise<string> {
  const res = await fetch(`${t.url}/api/me/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF_HEADER, cookie: await loginCookie(t, email) },
    body: JSON.stringify({ name: 'test', expiresInDays: 1 }),
  });
  if (res.status !== 201) throw new Error(`token for ${email} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}
