import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { RequestLogEntry } from '../request-log-entry';
import type { TestApp } from '../../testing/test-app';
import { RequestLogWriter } from '../request-log.writer';

/** A request-log row as the gateway would hand it over; override what the test is about. */
export function logEntry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  const status = overrides.status ?? 200;
  return {
    createdAt: new Date(),
    requestId: `req_${randomBytes(6).toString('hex')}`,
    route: 'chat.completions',
    keyId: null,
    projectId: null,
    modelGroup: 'gpt-4.1',
    deploymentId: null,
    deploymentName: null,
    attempts: [],
    status,
    errorType: status >= 400 ? 'api_error' : null,
    errorMessage: status >= 400 ? 'upstream failed' : null,
    latencyMs: 120,
    ttftMs: null,
    gatewayMs: 1.5,
    promptTokens: 10,
    completionTokens: 5,
    totalTokens: 15,
    costUsd: 0.001,
    stream: false,
    endUser: null,
    ...overrides,
  };
}

export interface Owners {
  projects: { id: string; name: string }[];
  /** keys[i] belongs to projects[i % projects.length]. */
  keys: { id: string; alias: string | null; prefix: string; projectId: string }[];
  deployments: { id: string; name: string; modelGroup: string }[];
}

let seeded = 0;

/** Creates projects, keys, model groups and deployments with unique names (tests only; straight SQL). */
export async function seedOwners(
  db: Pool,
  spec: { projects: number; keys: number; deployments: { modelGroup: string }[] },
): Promise<Owners> {
  // Random, plus a counter: two 3-byte tags in one database collided about once in 10^6 runs.
  const tag = `${randomBytes(3).toString('hex')}${(seeded++).toString(36)}`;
  const owners: Owners = { projects: [], keys: [], deployments: [] };
  for (let i = 0; i < spec.projects; i++) {
    const p = { id: randomUUID(), name: `project-${tag}-${i}` };
    await db.query(`INSERT INTO "Project" (id, name, "updatedAt") VALUES ($1, $2, now())`, [p.id, p.name]);
    owners.projects.push(p);
  }
  for (let i = 0; i < spec.keys; i++) {
    const projectId = owners.projects[i % owners.projects.length].id;
    // Every other key has no alias, so its label falls back to the display prefix.
    const k = {
      id: randomUUID(),
      alias: i % 2 === 0 ? `key-${tag}-${i}` : null,
      prefix: `sk-sb-${tag}…${i}`,
      projectId,
    };
    await db.query(
      `INSERT INTO "VirtualKey" (id, "keyHash", prefix, "projectId", alias, "updatedAt") VALUES ($1, $2, $3, $4, $5, now())`,
      [k.id, randomBytes(16).toString('hex'), k.prefix, k.projectId, k.alias],
    );
    owners.keys.push(k);
  }
  for (const [i, d] of spec.deployments.entries()) {
    const modelGroup = `${d.modelGroup}-${tag}`;
    await db.query(
      `INSERT INTO "ModelGroup" (id, name, "updatedAt") VALUES (gen_random_uuid(), $1, now()) ON CONFLICT (name) DO NOTHING`,
      [modelGroup],
    );
    const dep = { id: randomUUID(), name: `dep-${tag}-${i}`, modelGroup };
    await db.query(
      `INSERT INTO "Deployment" (id, name, "modelGroupId", provider, model, "updatedAt")
       SELECT $1, $2, g.id, 'openai', 'gpt-4.1', now() FROM "ModelGroup" g WHERE g.name = $3`,
      [dep.id, dep.name, modelGroup],
    );
    owners.deployments.push(dep);
  }
  return owners;
}

/** Hands rows to the app's writer and waits until they are in the database. */
export async function writeLogs(t: TestApp, entries: RequestLogEntry[]): Promise<void> {
  const writer = t.app.get(RequestLogWriter);
  for (const e of entries) writer.enqueue(e);
  if (!(await writer.flush(10_000))) throw new Error('request logs were not written in time');
}

/** Polls `check` until it returns true (or fails after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
