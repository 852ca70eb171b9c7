import { validate } from '@readme/openapi-parser';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { createDeploymentSchema, logListQuerySchema } from '@switchboard/contracts';
import { ZodObject } from 'zod';
import http from 'node:http';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { ROUTE_PERMISSIONS } from '../auth/permissions';
import { seedRouting } from '../testing/seed';
import type { TestApp } from '../testing/test-app';
import { readHandlerSchemas } from './handler-schemas';
import { openApiPath, type OpenApiDocument, type OpenApiOperation } from './openapi-document';
import { NAMED_SCHEMAS } from './openapi-routes';
import { DOCS_CSP } from './openapi-html';
import { createRecordingTestApp, type RegisteredRoute } from './testing/registered-routes';

type JsonSchema = { description?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema };

/** Raw node:http, so a path such as `..%2f` reaches the server exactly as written. */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('API reference at /api/docs', () => {
  let t: TestApp;
  let routes: RegisteredRoute[];
  let doc: OpenApiDocument;

  const operation = (method: string, path: string): OpenApiOperation => {
    const op = doc.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${path} is not documented`);
    return op;
  };
  const schema = (name: string) => doc.components.schemas[name] as JsonSchema;

  beforeAll(async () => {
    ({ t, routes } = await createRecordingTestApp());
    const res = await fetch(`${t.url}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // The parser dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc) as never);
    expect(result).toMatchObject({ valid: true });
    // Every $ref points at something the document has.
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/(schemas|headers)\/([^"]+)"/g)];
    expect(
      refs.filter(([, kind, name]) => !(name! in doc.components[kind as 'schemas' | 'headers'])),
    ).toEqual([]);
  });

  it('documents every registered route (the data plane under /v1 only), and nothing else', () => {
    const registered = routes
      .filter((r) => r.method !== 'HEAD' && !routes.some((v) => v.url === `/v1${r.url}`))
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(registered.length).toBeGreaterThan(50);
    expect(documented.filter((r) => !registered.includes(r))).toEqual([]);
    expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('takes each admin route’s permission from ROUTE_PERMISSIONS, and documents every route there', () => {
    const protectedOps = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.security.some((s) => 'adminToken' in s))
        .map(
          ([method, op]) => [`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`, op] as const,
        ),
    );
    expect(protectedOps.map(([route]) => route).sort()).toEqual(Object.keys(ROUTE_PERMISSIONS).sort());
    for (const [route, op] of protectedOps) {
      expect([route, op['x-switchboard-permission']]).toEqual([route, ROUTE_PERMISSIONS[route]]);
    }
    // Everything else is either the data plane (its own keys) or public.
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const op of Object.values(methods)) {
        if (path.startsWith('/v1/'))
          expect(op.security).toEqual([{ gatewayKey: [] }, { gatewayKeyHeader: [] }]);
        else if (!op['x-switchboard-permission']) expect(op.security).toEqual([]);
      }
    }
    expect(operation('GET', '/api/deployments').description).toContain(
      '`config:read` (roles: admin, operator, viewer)',
    );
    expect(operation('GET', '/health').security).toEqual([]);
  });

  it('describes bodies, queries and answers from the zod contracts, with their descriptions', () => {
    expect(operation('POST', '/api/deployments').requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/CreateDeployment',
    });
    const create = doc.components.schemas.CreateDeployment as {
      properties: Record<string, object>;
      required: string[];
    };
    expect(create.required).toEqual(expect.arrayContaining(['name', 'modelGroup', 'provider', 'model']));
    expect(create.required).not.toContain('apiBase');
    expect(create.properties.apiKey).toMatchObject({
      writeOnly: true,
      description: expect.stringContaining('never'),
    });
    expect(JSON.stringify(schema('Deployment'))).not.toContain('"apiKey"');
    // A page refers to its item instead of repeating it.
    expect(schema('DeploymentPage').properties?.data?.items).toEqual({
      $ref: '#/components/schemas/Deployment',
    });

    const described: [string, string][] = [
      ['Deployment', 'weight'],
      ['Deployment', 'apiKeyHint'],
      ['CreateDeployment', 'capabilities'],
      ['ModelGroup', 'strategy'],
      ['CreateModelGroup', 'fallbacks'],
      ['CreateModelGroup', 'allowedFails'],
      ['VirtualKey', 'maxBudgetUsd'],
      ['CreateKey', 'models'],
      ['CreatedKey', 'key'],
      ['Project', 'spendUsd'],
      ['ModelPrice', 'source'],
      ['PutModelPrice', 'inputUsdPerMTokens'],
      ['RequestLogDetail', 'attempts'],
    ];
    expect(described.filter(([name, field]) => !schema(name).properties?.[field]?.description)).toEqual([]);
    const logRow = schema('RequestLogPage').properties?.data?.items?.properties;
    expect(logRow?.requestId?.description).toContain('x-request-id');

    expect(
      operation('GET', '/api/keys').parameters?.map((p) => [p.name, p.in, p.required, !!p.description]),
    ).toEqual([
      ['projectId', 'query', false, true],
      ['includeRevoked', 'query', false, true],
      ['cursor', 'query', false, true],
      ['limit', 'query', false, true],
    ]);
    expect(operation('PATCH', '/api/deployments/{id}').parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    expect(Object.keys(operation('POST', '/api/import/litellm').requestBody?.content ?? {})).toEqual([
      'application/yaml',
      'application/x-yaml',
      'text/yaml',
      'text/plain',
      'application/json',
    ]);
    // The session probe answers 200 signed in or not: both shapes are documented.
    expect(doc.components.schemas.Session).toMatchObject({
      oneOf: [{ $ref: '#/components/schemas/Caller' }, { properties: { authenticated: { const: false } } }],
    });
    expect(doc.components.schemas.Caller).toMatchObject({
      properties: { authenticated: { const: true }, role: expect.any(Object) },
    });
    expect(
      operation('GET', '/api/deployments').responses['401']?.content?.['application/json']?.schema,
    ).toEqual({
      $ref: '#/components/schemas/AdminError',
    });
  });

  it('documents each body and query with the very schema its handler validates with', () => {
    const handlers = readHandlerSchemas(t.app.get(DiscoveryService), t.app.get(MetadataScanner));
    const named = new Map(NAMED_SCHEMAS.map((n) => [n.schema, n.name]));
    expect(handlers.size).toBeGreaterThan(40);
    for (const [route, { body, query }] of handlers) {
      const [method, path] = route.split(' ') as [string, string];
      const op = operation(method, openApiPath(path));
      if (query instanceof ZodObject) {
        const documented = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        expect([route, documented]).toEqual([route, Object.keys(query.shape)]);
      }
      const name = body && named.get(body);
      if (name) {
        expect([route, op.requestBody?.content['application/json']?.schema]).toEqual([
          route,
          { $ref: `#/components/schemas/${name}` },
        ]);
      } else if (body) {
        expect([route, op.requestBody]).toEqual([
          route,
          expect.objectContaining({ content: expect.any(Object) }),
        ]);
      }
    }
    expect(handlers.get('POST /api/deployments')?.body).toBe(createDeploymentSchema);
    expect(handlers.get('GET /api/logs')?.query).toBe(logListQuerySchema);
  });

  it('documents what the data plane adds to OpenAI: keys, headers and error codes', () => {
    const chat = operation('POST', '/v1/chat/completions');
    expect(Object.keys(chat.responses['200']?.headers ?? {})).toEqual([
      'x-request-id',
      'x-switchboard-model-group',
      'x-switchboard-deployment',
      'x-switchboard-attempts',
      'x-switchboard-overhead-ms',
    ]);
    expect(Object.keys(chat.responses['200']?.content ?? {})).toEqual([
      'application/json',
      'text/event-stream',
    ]);
    expect(Object.keys(chat.responses['429']?.headers ?? {})).toContain('retry-after');
    expect(chat.responses['404']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/OpenAIError',
    });
    const codes = [
      'model_not_found',
      'unsupported_endpoint',
      'rate_limit_exceeded',
      'insufficient_quota',
      'upstream_auth_error',
      'upstream_error',
      'no_available_deployment',
      'deadline_exceeded',
      'model_not_allowed',
      'invalid_api_key',
    ];
    expect(codes.filter((code) => !doc.info.description.includes(`\`${code}\``))).toEqual([]);
    expect(Object.keys(doc.components.headers)).toEqual(
      expect.arrayContaining(['x-request-id', 'x-switchboard-overhead-ms', 'retry-after']),
    );
  });

  describe('matches what the data plane answers', () => {
    let ok: FakeUpstream;
    let limited: FakeUpstream;
    let broken: FakeUpstream;
    let limitedKey: string;

    beforeAll(async () => {
      [ok, limited, broken] = await Promise.all([
        startFakeUpstream({ name: 'ok' }),
        startFakeUpstream({ name: 'limited', fault: { kind: 'status', status: 429, retryAfterSeconds: 30 } }),
        startFakeUpstream({ name: 'broken', fault: { kind: 'status', status: 500 } }),
      ]);
      await seedRouting(
        t,
        [
          { name: 'docs-ok-1', modelGroup: 'docs-ok', apiBase: ok.url },
          { name: 'docs-limited-1', modelGroup: 'docs-limited', apiBase: limited.url },
          { name: 'docs-broken-1', modelGroup: 'docs-broken', apiBase: broken.url },
        ],
        [
          { name: 'docs-limited', numRetries: 0 },
          { name: 'docs-broken', numRetries: 0 },
        ],
      );
      const project = await fetch(`${t.url}/api/projects`, {
        method: 'POST',
        headers: t.adminHeaders,
        body: JSON.stringify({ name: 'openapi-docs' }),
      });
      const key = await fetch(`${t.url}/api/keys`, {
        method: 'POST',
        headers: t.adminHeaders,
        body: JSON.stringify({
          projectId: ((await project.json()) as { id: string }).id,
          models: ['docs-ok'],
        }),
      });
      limitedKey = ((await key.json()) as { key: string }).key;
    });
    afterAll(async () => {
      await Promise.all([ok, limited, broken].map((u) => u?.close()));
    });

    /** The answer's status and code are documented for the route, and so is each of our headers it carries. */
    async function expectDocumented(res: Response, path: string, code: string | null) {
      const body = (await res.json()) as { error?: { code: string } };
      const documented = operation('POST', path).responses[String(res.status)];
      expect([res.status, body.error?.code ?? null]).toEqual([res.status, code]);
      if (code) expect(documented?.description).toContain(`\`${code}\``);
      const ours = [...res.headers.keys()].filter((h) =>
        /^(x-switchboard-|x-request-id$|retry-after$)/.test(h),
      );
      expect(ours.filter((h) => !(h in (documented?.headers ?? {})))).toEqual([]);
      return ours;
    }

    const chat = (model: string, key = t.adminHeaders.authorization!) =>
      fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: key, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      });

    it('on success', async () => {
      const res = await chat('docs-ok');
      expect(res.status).toBe(200);
      expect((await expectDocumented(res, '/v1/chat/completions', null)).sort()).toEqual([
        'x-request-id',
        'x-switchboard-attempts',
        'x-switchboard-deployment',
        'x-switchboard-model-group',
        'x-switchboard-overhead-ms',
      ]);
    });

    it('on refusals and routing failures', async () => {
      await expectDocumented(await chat('docs-nope'), '/v1/chat/completions', 'model_not_found');
      await expectDocumented(
        await chat('docs-ok', 'Bearer sk-sb-wrong'),
        '/v1/chat/completions',
        'invalid_api_key',
      );
      await expectDocumented(
        await chat('docs-limited', `Bearer ${limitedKey}`),
        '/v1/chat/completions',
        'model_not_allowed',
      );
      const throttled = await chat('docs-limited');
      expect(await expectDocumented(throttled, '/v1/chat/completions', 'rate_limit_exceeded')).toEqual(
        expect.arrayContaining(['retry-after', 'x-switchboard-deployment']),
      );
      await expectDocumented(await chat('docs-broken'), '/v1/chat/completions', 'upstream_error');
    });
  });

  it('serves Swagger UI under a CSP that allows this origin only', async () => {
    const res = await fetch(`${t.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expect(DOCS_CSP).not.toMatch(/https?:|\*|unsafe/);
    const html = await res.text();
    expect(html).not.toMatch(/https?:\/\//i);
    // No inline script, style or event handler: the CSP would refuse them anyway.
    expect(html).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/i);
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.filter((u) => !u.startsWith('/api/docs/'))).toEqual([]);

    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.map((s) => s.replace(/\?.*$/, ''))).toEqual([
      '/api/docs/assets/swagger-ui-bundle.js',
      '/api/docs/assets/init.js',
    ]);
    for (const url of urls.filter((u) => u.startsWith('/api/docs/assets/'))) {
      const asset = await fetch(`${t.url}${url}`);
      expect([url, asset.status]).toEqual([url, 200]);
      const type = { css: /^text\/css/, js: /^text\/javascript/, png: /^image\/png$/ }[
        url.replace(/^.*\.(\w+)\?.*$/, '$1')
      ];
      expect([url, asset.headers.get('content-type')]).toEqual([url, expect.stringMatching(type ?? /^$/)]);
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${t.url}/api/docs/assets/init.js`)).text();
    expect(init).toContain("url: '/api/docs/openapi.json'");
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('serves no file outside its list', async () => {
    const port = Number(new URL(t.url).port);
    for (const path of [
      '/api/docs/assets/..%2fpackage.json',
      '/api/docs/assets/..%2f..%2f..%2fpackage.json',
      '/api/docs/assets/%2e%2e%2fpackage.json',
      '/api/docs/assets/..%5cpackage.json',
      '/api/docs/assets/..%2f..%2fswagger-ui-dist%2fpackage.json',
      '/api/docs/assets/%2fetc%2fpasswd',
      '/api/docs/assets/index.html',
      '/api/docs/assets/swagger-ui-bundle.js.map',
      '/api/docs/assets/__proto__',
      '/api/docs/assets/constructor',
    ]) {
      const res = await rawGet(port, path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).not.toContain('"version"');
      expect(res.body).not.toContain('root:');
    }
  });
});
