import { randomBytes } from 'node:crypto';
import type { TestApp } from '../../testing/test-app';

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the admin API with the master key (or `headers`), sending `body` as JSON when given. */
export async function adminCall<T = any>(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: t.adminHeaders.authorization! },
): Promise<JsonResponse<T>> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as T) : (null as T) };
}

let uniqueNames = 0;

/** A name no other test uses (random, plus a counter: two random tags in one database could collide). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}${(uniqueNames++).toString(36)}`;
}

/** A fresh project, created through the API. */
export async function createProject(
  t: TestApp,
  name = uniqueName('project'),
): Promise<{ id: string; name: string }> {
  const res = await adminCall(t, 'POST', '/api/projects', { name });
  if (res.status !== 201) throw new Error(`project create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A fresh key in a fresh project (unless `projectId` is given); returns the API answer incl. `key`. */
export async function createKey(t: TestApp, fields: Record<string, unknown> = {}) {
  const projectId = (fields.projectId as string | undefined) ?? (await createProject(t)).id;
  const res = await adminCall(t, 'POST', '/api/keys', { projectId, ...fields });
  if (res.status !== 201) throw new Error(`key create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; key: string; prefix: string; projectId: string; [k: string]: unknown };
}
