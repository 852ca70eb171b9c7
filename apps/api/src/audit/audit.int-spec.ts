import { auditEventPageSchema, type AuditEvent } from '@switchboard/contracts';
import { randomBytes } from 'node:crypto';
import { adminJson } from '../testing/admin-json';
import { createTestApp, type TestApp } from '../testing/test-app';

const KEY = 'sk-audit-secret-key-0123456789abcdef';

describe('audit trail (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  // Random, plus a counter: two random tags in one database could collide (about n² / 2^33).
  let uniques = 0;
  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}${(uniques++).toString(36)}`;

  const call = (method: string, path: string, body?: unknown) => adminJson(t, method, path, body);

  async function ciphertextOf(id: string): Promise<string> {
    const { rows } = await t.db.query<{ apiKeyEncrypted: string }>(
      'SELECT "apiKeyEncrypted" FROM "Deployment" WHERE id = $1',
      [id],
    );
    return rows[0].apiKeyEncrypted;
  }

  async function events(query: string): Promise<AuditEvent[]> {
    const res = await call('GET', `/api/audit?${query}`);
    expect(res.status).toBe(200);
    return auditEventPageSchema.parse(res.json).data;
  }

  it('records every deployment change, newest first, with the key redacted', async () => {
    const group = unique('group');
    const created = await call('POST', '/api/deployments', {
      name: unique('dep'),
      modelGroup: group,
      provider: 'openai',
      model: 'gpt-4.1',
      apiKey: KEY,
    });
    expect(created.status).toBe(201);
    const id = created.json?.id as string;
    const ciphertexts = [await ciphertextOf(id)];
    expect(
      (await call('PATCH', `/api/deployments/${id}`, { apiKey: `${KEY}-rotated`, weight: 5 })).status,
    ).toBe(200);
    ciphertexts.push(await ciphertextOf(id));
    expect((await call('DELETE', `/api/deployments/${id}`)).status).toBe(204);

    const trail = await events(`targetType=deployment&targetId=${id}`);
    expect(trail.map((e) => e.action)).toEqual([
      'deployment.delete',
      'deployment.update',
      'deployment.create',
    ]);
    const [deleted, updated, create] = trail;
    expect(create).toMatchObject({ actor: 'master-key', targetId: id, before: null });
    expect(create.after).toMatchObject({
      name: created.json?.name,
      modelGroup: group,
      apiKeyHint: 'sk-…cdef',
    });
    expect(updated.before).toMatchObject({ weight: null, apiKeyHint: 'sk-…cdef' });
    expect(updated.after).toMatchObject({ weight: 5, apiKeyHint: 'sk-…ated' });
    expect(deleted).toMatchObject({ after: null, before: expect.objectContaining({ weight: 5 }) });

    const { rows } = await t.db.query<{ before: unknown; after: unknown }>(
      'SELECT before, after FROM "AuditEvent" WHERE "targetId" = $1',
      [id],
    );
    const raw = JSON.stringify(rows);
    expect(rows).toHaveLength(3);
    expect(raw).not.toContain(KEY);
    expect(raw).not.toMatch(/apiKeyEncrypted|"apiKey"/);
    for (const ciphertext of ciphertexts) expect(raw).not.toContain(ciphertext);
  });

  it('records the model group a deployment created, in the same request', async () => {
    const group = unique('auto');
    await call('POST', '/api/deployments', {
      name: unique('dep'),
      modelGroup: group,
      provider: 'openai',
      model: 'm',
    });
    const [event] = await events(`action=model_group.create&targetType=model_group`).then((all) =>
      all.filter((e) => (e.after as { name?: string } | null)?.name === group),
    );
    expect(event).toMatchObject({
      actor: 'master-key',
      before: null,
      after: { name: group, strategy: 'weighted-shuffle' },
    });
  });

  it('writes nothing when the change is rejected', async () => {
    const name = unique('dup');
    await call('POST', '/api/model-groups', { name });
    const before = await events(`action=model_group.create&limit=500`);
    expect((await call('POST', '/api/model-groups', { name })).status).toBe(409);
    const after = await events(`action=model_group.create&limit=500`);
    expect(after.length).toBe(before.length);
  });

  it('records model group updates and deletes', async () => {
    const name = unique('policy');
    const created = await call('POST', '/api/model-groups', { name });
    const id = created.json?.id as string;
    await call('PATCH', `/api/model-groups/${name}`, { numRetries: 5 });
    await call('DELETE', `/api/model-groups/${name}`);
    const trail = await events(`targetId=${id}`);
    expect(trail.map((e) => e.action)).toEqual([
      'model_group.delete',
      'model_group.update',
      'model_group.create',
    ]);
    expect(trail[1]).toMatchObject({
      before: { numRetries: 2 },
      after: { numRetries: 5 },
      targetType: 'model_group',
    });
  });

  it('walks the whole trail with limit=1', async () => {
    const name = unique('paging');
    const created = await call('POST', '/api/model-groups', { name });
    const id = created.json?.id as string;
    await call('PATCH', `/api/model-groups/${name}`, { numRetries: 3 });
    await call('PATCH', `/api/model-groups/${name}`, { numRetries: 4 });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/api/audit?targetId=${id}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      const page = auditEventPageSchema.parse(res.json);
      expect(page.data.length).toBe(1);
      ids.push(page.data[0].id);
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(3);
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => b - a));
  });

  it('rejects a forged cursor and anonymous readers', async () => {
    const forged = Buffer.from(JSON.stringify({ k: 'drop table' })).toString('base64url');
    expect((await call('GET', `/api/audit?cursor=${forged}`)).status).toBe(400);
    expect((await fetch(`${t.url}/api/audit`)).status).toBe(401);
  });
});
