import type { TestApp } from '../testing/test-app';
import type { OpenApiDocument } from './openapi-document';
import { DOCS_CSP } from './openapi-html';
import { DOCUMENTED_ROUTES } from './openapi-routes';
import { createRecordingTestApp, isDataPlaneRoute, type RegisteredRoute } from './testing/registered-routes';

describe('API documentation at /api/docs', () => {
  let t: TestApp;
  let routes: RegisteredRoute[];
  let doc: OpenApiDocument;

  beforeAll(async () => {
    ({ t, routes } = await createRecordingTestApp());
    const res = await fetch(`${t.url}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is public and valid OpenAPI 3.1 in outline', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(doc.components.securitySchemes).toHaveProperty('masterKey');
  });

  it('documents every registered route outside the data plane, and nothing else', () => {
    const registered = routes
      .filter((r) => r.method !== 'HEAD' && !isDataPlaneRoute(r.url, routes))
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(registered.length).toBeGreaterThan(40);
    expect(documented.filter((r) => !registered.includes(r))).toEqual([]);
    expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
    expect(new Set(documented).size).toBe(DOCUMENTED_ROUTES.length);
  });

  it('describes bodies, queries and answers from the zod contracts', () => {
    const create = doc.paths['/api/deployments']?.post;
    expect(create?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/CreateDeployment',
    });
    const body = doc.components.schemas.CreateDeployment as { properties: object; required: string[] };
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['name', 'apiKey', 'weight']));
    expect(body.required).toEqual(expect.arrayContaining(['name', 'modelGroup', 'provider', 'model']));
    expect(body.required).not.toContain('apiBase');
    expect(doc.components.schemas.Deployment).toMatchObject({
      properties: { apiKeyHint: expect.any(Object) },
    });
    expect(JSON.stringify(doc.components.schemas.Deployment)).not.toContain('"apiKey"');

    expect(doc.paths['/api/keys']?.get?.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['projectId', 'query', false],
      ['includeRevoked', 'query', false],
      ['cursor', 'query', false],
      ['limit', 'query', false],
    ]);
    expect(doc.paths['/api/deployments/{id}']?.patch?.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    expect(Object.keys(doc.paths['/api/import/litellm']?.post?.requestBody?.content ?? {})).toEqual([
      'application/yaml',
      'application/x-yaml',
      'text/yaml',
      'text/plain',
      'application/json',
    ]);
    expect(doc.paths['/api/deployments']?.get?.responses['401']).toBeDefined();
    // The session probe answers 200 signed in or not: both shapes are documented.
    expect(doc.components.schemas.Session).toMatchObject({
      oneOf: [
        { properties: { authenticated: { const: true }, role: expect.any(Object) } },
        { properties: { authenticated: { const: false } } },
      ],
    });
    expect(doc.paths['/health']?.get?.security).toEqual([]);

    // Every $ref points at a schema the document has.
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.filter((name) => !(name in doc.components.schemas))).toEqual([]);
  });

  it('renders a self-contained page listing every path', async () => {
    const res = await fetch(`${t.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CSP);
    const html = await res.text();
    for (const path of Object.keys(doc.paths)) expect(html).toContain(`<code>${path}</code>`);
    expect(html).toContain('id="schema-CreateDeployment"');
    expect(html).not.toMatch(/<script|<link|src=|href="https?:/i);
  });
});
