import { ROUTE_PERMISSIONS } from '../auth/permissions';
import {
  createRecordingTestApp,
  isDataPlaneRoute,
  type RegisteredRoute,
} from '../openapi/testing/registered-routes';
import type { TestApp } from '../testing/test-app';

/**
 * Routes anyone may call. Everything else must refuse callers without the master key or a console session;
 * adding a route here is a security decision.
 */
const PUBLIC_ROUTES = [
  'GET /health',
  'GET /health/liveliness',
  'GET /health/readiness',
  'GET /metrics',
  'GET /api/docs',
  'GET /api/docs/openapi.json',
  // The reference page's script and stylesheet: a fixed list of files, nothing else.
  'GET /api/docs/assets/:file',
  'POST /api/auth/login',
  'GET /api/auth/session',
  'GET /api/auth/options',
  // Single sign-on: the identity provider's answer, checked by openid-client, is the credential.
  'GET /api/auth/oidc/login',
  'GET /api/auth/oidc/callback',
  // Only while no account exists, and it checks the master key itself.
  'POST /api/auth/setup',
  // The one-time token in the body is the credential.
  'POST /api/auth/set-password',
  // Clears the caller's own cookie; without a session there is nothing to do.
  'POST /api/auth/logout',
];

const PARAM_VALUE = '3f2b8c1e-5d4a-4b6f-9e7d-0a1b2c3d4e5f';

function isPublic(route: RegisteredRoute, all: readonly RegisteredRoute[]): boolean {
  const method = route.method === 'HEAD' ? 'GET' : route.method;
  return PUBLIC_ROUTES.includes(`${method} ${route.url}`) || isDataPlaneRoute(route.url, all);
}

describe('admin routes are deny-by-default (every registered route)', () => {
  let t: TestApp;
  let routes: RegisteredRoute[];
  let virtualKey: string;

  beforeAll(async () => {
    ({ t, routes } = await createRecordingTestApp());
    const project = await fetch(`${t.url}/api/projects`, {
      method: 'POST',
      headers: t.adminHeaders,
      body: JSON.stringify({ name: 'deny-by-default' }),
    });
    const key = await fetch(`${t.url}/api/keys`, {
      method: 'POST',
      headers: t.adminHeaders,
      body: JSON.stringify({ projectId: ((await project.json()) as { id: string }).id }),
    });
    expect(key.status).toBe(201);
    virtualKey = ((await key.json()) as { key: string }).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the virtual key is a working data-plane key', async () => {
    const res = await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${virtualKey}` } });
    expect(res.status).toBe(200);
  });

  it('allow-lists only routes that exist', () => {
    const registered = new Set(routes.map((r) => `${r.method} ${r.url}`));
    expect(PUBLIC_ROUTES.filter((r) => !registered.has(r))).toEqual([]);
  });

  it('names a permission for every protected route, and only routes that exist', () => {
    const protectedRoutes = routes
      .filter((r) => !isPublic(r, routes) && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`);
    // A route missing here is admin-only until someone decides who else may call it.
    expect(protectedRoutes.filter((r) => !(r in ROUTE_PERMISSIONS))).toEqual([]);
    expect(Object.keys(ROUTE_PERMISSIONS).filter((r) => !protectedRoutes.includes(r))).toEqual([]);
  });

  it.each([
    ['no credentials', (): Record<string, string> => ({})],
    ['a virtual key', (): Record<string, string> => ({ authorization: `Bearer ${virtualKey}` })],
    ['a wrong bearer token', (): Record<string, string> => ({ authorization: 'Bearer not-the-master-key' })],
  ])('refuses %s on every other route and method with 401', async (_who, headers) => {
    const protectedRoutes = routes.filter((r) => !isPublic(r, routes));
    expect(protectedRoutes.length).toBeGreaterThan(50);
    const admitted: string[] = [];
    for (const route of protectedRoutes) {
      const path = route.url.replace(/:[A-Za-z0-9_]+/g, PARAM_VALUE).replace(/\*/g, 'anything');
      const withBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
      const res = await fetch(`${t.url}${path}`, {
        method: route.method,
        headers: { ...headers(), ...(withBody ? { 'content-type': 'application/json' } : {}) },
        body: withBody ? '{}' : undefined,
      });
      const text = await res.text();
      const code = route.method === 'HEAD' ? 'unauthorized' : (JSON.parse(text || '{}') as any).error?.code;
      // Presented credentials that fail count against the address: past the limit the refusal is a 429.
      const refused =
        (res.status === 401 && code === 'unauthorized') ||
        (res.status === 429 && (route.method === 'HEAD' || code === 'too_many_attempts'));
      if (!refused) admitted.push(`${route.method} ${route.url} → ${res.status}`);
    }
    expect(admitted).toEqual([]);
  });
});
