import { adminCall, createKey, createProject, uniqueName } from '../keys/testing/admin-client';
import { createTestApp, type TestApp } from '../testing/test-app';

describe('projects (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, reads, updates and lists projects with key count and spend', async () => {
    const name = uniqueName('dify-support');
    const created = await adminCall(t, 'POST', '/api/projects', {
      name,
      description: 'Support bot',
      tags: ['dify'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name,
      description: 'Support bot',
      tags: ['dify'],
      spendUsd: 0,
      keyCount: 0,
    });

    const a = await createKey(t, { projectId: created.body.id });
    const b = await createKey(t, { projectId: created.body.id });
    await adminCall(t, 'POST', `/api/keys/${b.id}/revoke`);
    await t.db.query(
      `UPDATE "VirtualKey" SET "spendUsd" = CASE WHEN id = $1 THEN 1.5 ELSE 0.25 END WHERE "projectId" = $2`,
      [a.id, created.body.id],
    );
    const got = await adminCall(t, 'GET', `/api/projects/${created.body.id}`);
    expect(got.body).toMatchObject({ keyCount: 1, spendUsd: 1.75 }); // active keys; spend of all keys

    const renamed = uniqueName('renamed');
    const patched = await adminCall(t, 'PATCH', `/api/projects/${created.body.id}`, {
      name: renamed,
      tags: [],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: renamed, description: 'Support bot', tags: [], keyCount: 1 });

    const listed = await adminCall(t, 'GET', '/api/projects?limit=500');
    expect(listed.body.data.find((p: { id: string }) => p.id === created.body.id)).toMatchObject({
      name: renamed,
      keyCount: 1,
    });
  });

  it('pages through projects by name', async () => {
    const prefix = uniqueName('page');
    for (const n of ['c', 'a', 'b']) await createProject(t, `${prefix}-${n}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { name: string }[]; nextCursor: string | null } } = await adminCall(
        t,
        'GET',
        `/api/projects?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.data.map((p) => p.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.filter((n) => n.startsWith(prefix))).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a duplicate name with 409 and unknown ids with 404', async () => {
    const p = await createProject(t);
    const dup = await adminCall(t, 'POST', '/api/projects', { name: p.name });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toBe(`A project named '${p.name}' already exists.`);
    const other = await createProject(t);
    expect((await adminCall(t, 'PATCH', `/api/projects/${other.id}`, { name: p.name })).status).toBe(409);
    expect((await adminCall(t, 'GET', '/api/projects/8a0d7c1e-2f43-4b8e-9d1a-4c5e6f708192')).status).toBe(
      404,
    );
    expect((await adminCall(t, 'DELETE', '/api/projects/nope')).status).toBe(404);
    expect((await adminCall(t, 'POST', '/api/projects', { name: '' })).status).toBe(400);
  });

  it('refuses to delete a project with active keys, naming how many; deletes it once they are revoked', async () => {
    const p = await createProject(t);
    const k1 = await createKey(t, { projectId: p.id });
    const k2 = await createKey(t, { projectId: p.id });
    const refused = await adminCall(t, 'DELETE', `/api/projects/${p.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe('This project still has 2 active keys; revoke them first.');
    await adminCall(t, 'POST', `/api/keys/${k1.id}/revoke`);
    await adminCall(t, 'POST', `/api/keys/${k2.id}/revoke`);
    expect((await adminCall(t, 'DELETE', `/api/projects/${p.id}`)).status).toBe(204);
    expect((await adminCall(t, 'GET', `/api/projects/${p.id}`)).status).toBe(404);
    const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM "VirtualKey" WHERE "projectId" = $1`, [
      p.id,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('audits create, update and delete', async () => {
    const p = await createProject(t);
    await adminCall(t, 'PATCH', `/api/projects/${p.id}`, { description: 'edited' });
    await adminCall(t, 'DELETE', `/api/projects/${p.id}`);
    const audit = await adminCall(t, 'GET', `/api/audit?targetType=project&targetId=${p.id}`);
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual([
      'project.delete',
      'project.update',
      'project.create',
    ]);
    expect(audit.body.data[1]).toMatchObject({
      before: { description: null },
      after: { description: 'edited' },
    });
  });
});
