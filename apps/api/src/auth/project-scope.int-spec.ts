import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { addAccount, apiTokenFor } from '../accounts/testing/accounts';
import { adminCall, createKey, createProject } from '../keys/testing/admin-client';
import { seedRouting } from '../testing/seed';
import { createTestApp, type TestApp } from '../testing/test-app';
import { RequestLogWriter } from '../usage/request-log.writer';

/**
 * A project member sees and changes only their projects: projects, keys, request logs and statistics are
 * narrowed to them, and everything of another project is answered as if it did not exist.
 */
describe('project members are scoped to their projects', () => {
  let t: TestApp;
  let up: FakeUpstream;
  let mine: { id: string };
  let theirs: { id: string };
  let myKey: { id: string; key: string };
  let theirKey: { id: string; key: string };
  let member: Record<string, string>;
  let nobody: Record<string, string>;

  const as = (headers: Record<string, string>, method: string, path: string, body?: unknown) =>
    adminCall(t, method, path, body, headers);

  async function chat(key: string): Promise<void> {
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'scoped', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
  }

  beforeAll(async () => {
    t = await createTestApp();
    up = await startFakeUpstream({ name: 'scoped' });
    await seedRouting(t, [{ name: 'scoped-0', modelGroup: 'scoped', model: 'gpt-4.1', apiBase: up.url }]);
    mine = await createProject(t, 'mine');
    theirs = await createProject(t, 'theirs');
    myKey = await createKey(t, { projectId: mine.id, alias: 'my key' });
    theirKey = await createKey(t, { projectId: theirs.id, alias: 'their key' });
    await chat(myKey.key);
    await chat(theirKey.key);
    await chat(theirKey.key);
    await t.app.get(RequestLogWriter).flush();

    await addAccount(t, 'member@example.com', 'project-member', [mine.id]);
    await addAccount(t, 'nobody@example.com', 'project-member', []);
    member = { authorization: `Bearer ${await apiTokenFor(t, 'member@example.com')}` };
    nobody = { authorization: `Bearer ${await apiTokenFor(t, 'nobody@example.com')}` };
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  it('lists and opens only their projects', async () => {
    const list = await as(member, 'GET', '/api/projects');
    expect(list.body.data.map((p: { name: string }) => p.name)).toEqual(['mine']);
    expect((await as(member, 'GET', `/api/projects/${mine.id}`)).status).toBe(200);
    expect((await as(member, 'GET', `/api/projects/${theirs.id}`)).status).toBe(404);
    expect((await as(nobody, 'GET', '/api/projects')).body.data).toEqual([]);
  });

  it("lists and opens only their projects' keys", async () => {
    const list = await as(member, 'GET', '/api/keys');
    expect(list.body.data.map((k: { id: string }) => k.id)).toEqual([myKey.id]);
    expect((await as(member, 'GET', `/api/keys?projectId=${theirs.id}`)).body.data).toEqual([]);
    expect((await as(member, 'GET', `/api/keys/${myKey.id}`)).status).toBe(200);
    expect((await as(member, 'GET', `/api/keys/${theirKey.id}`)).status).toBe(404);
    expect((await as(nobody, 'GET', '/api/keys')).body.data).toEqual([]);
  });

  it('may read the model group names a key can be limited to (the key form needs them)', async () => {
    expect((await as(member, 'GET', '/api/keys/models')).body).toEqual({ data: ['scoped'] });
    expect((await as(member, 'GET', '/api/model-groups')).status).toBe(403);
  });

  it('issues keys only in their projects', async () => {
    const other = await as(member, 'POST', '/api/keys', { projectId: theirs.id });
    expect(other.status).toBe(400);
    expect(JSON.stringify(other.body)).toContain('there is no project');
    const created = await as(member, 'POST', '/api/keys', { projectId: mine.id, alias: 'from member' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^sk-sb-/);
    const audit = await t.db.query<{ actor: string }>(
      `SELECT actor FROM "AuditEvent" WHERE action = 'key.create' AND "targetId" = $1`,
      [created.body.id],
    );
    expect(audit.rows[0]?.actor).toContain('member@example.com');
  });

  it("cannot edit, rotate or revoke another project's key, which keeps working", async () => {
    expect((await as(member, 'PATCH', `/api/keys/${theirKey.id}`, { rpmLimit: 1 })).status).toBe(404);
    expect((await as(member, 'POST', `/api/keys/${theirKey.id}/rotate`, {})).status).toBe(404);
    expect((await as(member, 'POST', `/api/keys/${theirKey.id}/revoke`)).status).toBe(404);
    const after = await adminCall(t, 'GET', `/api/keys/${theirKey.id}`);
    expect(after.body).toMatchObject({ rpmLimit: null, revokedAt: null });
    // Not rotated: the old secret still works.
    await chat(theirKey.key);
  });

  it('edits and revokes a key of their own project', async () => {
    const key = await createKey(t, { projectId: mine.id });
    expect((await as(member, 'PATCH', `/api/keys/${key.id}`, { rpmLimit: 7 })).body.rpmLimit).toBe(7);
    const revoked = await as(member, 'POST', `/api/keys/${key.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
  });

  it("sees only their projects' request logs", async () => {
    const logs = await as(member, 'GET', '/api/logs');
    expect(logs.status).toBe(200);
    expect(logs.body.data.length).toBe(1);
    expect(logs.body.data.every((l: { projectId: string }) => l.projectId === mine.id)).toBe(true);
    const all = await adminCall(t, 'GET', '/api/logs');
    const foreign = all.body.data.find((l: { projectId: string }) => l.projectId === theirs.id);
    expect(foreign).toBeDefined();
    expect((await as(member, 'GET', `/api/logs/${foreign.id}`)).status).toBe(404);
    expect((await as(member, 'GET', `/api/logs?projectId=${theirs.id}`)).body.data).toEqual([]);
    expect((await as(nobody, 'GET', '/api/logs')).body.data).toEqual([]);
  });

  it("counts only their projects' traffic in the statistics", async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const everything = await adminCall(t, 'GET', `/api/stats/summary?${range}`);
    expect(everything.body.requests).toBeGreaterThanOrEqual(3);

    const summary = await as(member, 'GET', `/api/stats/summary?${range}`);
    expect(summary.body).toMatchObject({ requests: 1, refused: 0, refusedByReason: [] });
    const byProject = await as(
      member,
      'GET',
      `/api/stats/distribution?${range}&groupBy=project&interval=hour`,
    );
    expect(byProject.body.groups.map((g: { label: string }) => g.label)).toEqual(['mine']);
    const byKey = await as(member, 'GET', `/api/stats/distribution?${range}&groupBy=key&interval=hour`);
    expect(byKey.body.groups.map((g: { key: string }) => g.key)).toEqual([myKey.id]);
    expect((await as(nobody, 'GET', `/api/stats/summary?${range}`)).body.requests).toBe(0);
  });

  it('is refused on the LiteLLM-compatible key routes, which are not narrowed to projects', async () => {
    const res = await as(member, 'POST', '/key/generate', {});
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});
