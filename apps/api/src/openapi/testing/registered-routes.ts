import { Pool } from 'pg';
import { createApp } from '../../bootstrap';
import { createLogger } from '../../common/logger';
import { TEST_MASTER_KEY, testConfig, type TestApp } from '../../testing/test-app';
import { createTestDatabase } from '../../testing/test-database';

export interface RegisteredRoute {
  method: string;
  /** Fastify's spelling, e.g. `/api/deployments/:id`. */
  url: string;
}

/**
 * createTestApp's app, plus every route Fastify registered: the onRoute hook goes in before Nest
 * registers its controllers (at listen), so nothing escapes it, whichever way a route was added.
 */
export async function createRecordingTestApp(): Promise<{ t: TestApp; routes: RegisteredRoute[] }> {
  const routes: RegisteredRoute[] = [];
  const database = await createTestDatabase();
  const config = testConfig(database.url);
  const app = await createApp(config, createLogger('silent'));
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) routes.push({ method: String(method).toUpperCase(), url: route.url });
    });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const pool = new Pool({ connectionString: database.url, max: 2 });
  const t: TestApp = {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    database,
    db: pool,
    adminHeaders: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
    async close() {
      await app.close();
      await pool.end();
      await database.drop();
    },
  };
  return { t, routes };
}

/** The OpenAI-compatible data plane: `/v1/…` and the unprefixed twin of every `/v1/…` route. */
export function isDataPlaneRoute(url: string, routes: readonly RegisteredRoute[]): boolean {
  return url.startsWith('/v1/') || routes.some((r) => r.url === `/v1${url}`);
}
