import { request } from 'node:http';
import { expect, test } from '@playwright/test';
import { E2E } from '../playwright.config';

/**
 * The console's calls reach the gateway through the dashboard. The gateway must see the browser's own
 * address there (for sign-in throttling and the audit trail), not the dashboard's and not whatever the
 * browser wrote into X-Forwarded-For. 127.0.0.2 is a loopback address of its own, so "the browser" and
 * "the dashboard" (127.0.0.1) can be told apart on one machine.
 */
function postFrom(localAddress: string, path: string, body: unknown, headers: Record<string, string>) {
  const url = new URL(path, E2E.webUrl);
  return new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        timeout: 15_000,
        headers: { 'content-type': 'application/json', 'x-switchboard-csrf': '1', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

test("the gateway records the browser's address through the dashboard, never a forged X-Forwarded-For", async () => {
  const email = `forged-${Date.now()}@example.com`;
  const status = await postFrom(
    '127.0.0.2',
    '/api/auth/login',
    { email, password: 'not the password' },
    { 'x-forwarded-for': '203.0.113.7', forwarded: 'for=203.0.113.8' },
  );
  expect(status).toBe(401);

  const res = await fetch(`${E2E.apiUrl}/api/audit?action=auth.login_failed&limit=50`, {
    headers: { authorization: `Bearer ${E2E.masterKey}` },
  });
  const audit = (await res.json()) as { data: { after: { email?: string; ip?: string } | null }[] };
  const failed = audit.data.find((e) => e.after?.email === email);
  expect(failed?.after?.ip).toBe('127.0.0.2');
});
