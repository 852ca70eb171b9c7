import type { TestApp } from './test-app';

/** Calls the admin API with the master key; `json` is the parsed body (null when empty). */
export async function adminJson(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = t.adminHeaders,
) {
  const { 'content-type': _ct, ...withoutBody } = headers;
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: body === undefined ? withoutBody : headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, any>) : null };
}
