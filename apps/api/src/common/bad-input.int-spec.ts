import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { seedRouting } from '../testing/seed';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

/** Inputs that once earned a 500 (issue #9 item 7): each answers 400 in its surface's error shape. */
describe('bad input never earns a 5xx (real app, real PostgreSQL)', () => {
  let t: TestApp;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    t = await createTestApp();
    upstream = await startFakeUpstream({ name: 'bad-input' });
    await seedRouting(t, [{ name: 'bad-input-0', modelGroup: 'bad-input-model', apiBase: upstream.url }]);
  });
  afterAll(async () => {
    await t?.close();
    await upstream?.close();
  });

  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const chatBody = (extra: string) =>
    `{"model":"bad-input-model","messages":[{"role":"user","content":"hi"}],"metadata_extra":${extra}}`;
  const send = (method: string, path: string, body?: string) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_MASTER_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
    });

  async function expectOpenAI400(res: Response, code: string) {
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code });
    expect(typeof body.error.message).toBe('string');
  }
  async function expectAdmin400(res: Response, code: string) {
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(body.error.type).toBeUndefined();
  }

  it('data plane: JSON nested 10,000 deep is a 400, not a stack overflow', async () => {
    await expectOpenAI400(
      await send('POST', '/v1/chat/completions', chatBody(deep(10_000))),
      'json_too_deep',
    );
    await expectOpenAI400(await send('POST', '/embeddings', deep(10_000)), 'json_too_deep');
  });

  it('data plane: ordinary nesting still reaches the upstream', async () => {
    const res = await send('POST', '/v1/chat/completions', chatBody(deep(50)));
    expect(res.status).toBe(200);
  });

  it('data plane: NUL and lone surrogates in a message are forwarded, not a 500', async () => {
    const res = await send(
      'POST',
      '/v1/chat/completions',
      '{"model":"bad-input-model","messages":[{"role":"user","content":"a\\u0000b\\ud800c"}]}',
    );
    expect(res.status).toBe(200);
  });

  it('admin: JSON nested 10,000 deep is a 400', async () => {
    await expectAdmin400(
      await send('POST', '/api/projects', `{"name":"deep","x":${deep(10_000)}}`),
      'json_too_deep',
    );
  });

  it('admin: a NUL byte in a path id is a 400', async () => {
    await expectAdmin400(await send('GET', '/api/model-groups/%00'), 'validation_failed');
    await expectAdmin400(await send('DELETE', '/api/projects/a%00b'), 'validation_failed');
  });

  it('admin: a NUL byte or a lone surrogate in a string field is a 400', async () => {
    await expectAdmin400(await send('POST', '/api/projects', '{"name":"\\u0000"}'), 'validation_failed');
    await expectAdmin400(await send('POST', '/api/projects', '{"name":"x\\ud800"}'), 'validation_failed');
    const rows = await t.db.query(`SELECT 1 FROM "Project" WHERE name LIKE 'x%'`);
    expect(rows.rowCount).toBe(0);
  });

  it('admin: a NUL byte in a query string is a 400', async () => {
    await expectAdmin400(await send('GET', '/api/logs?model=%00'), 'validation_failed');
  });

  it('a URL that does not decode answers in the surface shape', async () => {
    await expectAdmin400(await send('GET', '/api/model-groups/%zz'), 'invalid_request');
    const res = await send('GET', '/v1/models/%C0%80');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});
