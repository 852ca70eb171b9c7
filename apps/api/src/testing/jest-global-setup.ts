import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../database/embedded-postgres';

declare global {
  var __SWITCHBOARD_TEST_PG__: EmbeddedPostgresHandle | undefined;
}

/**
 * One real PostgreSQL (embedded, own port, own temp folder) for the whole jest run. Each
 * integration spec creates its own database in it (see test-database.ts), so specs run in parallel.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.SWITCHBOARD_TEST_ADMIN_URL) return; // provided from outside (e.g. an external server)
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-jest-'));
  const pg = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
  globalThis.__SWITCHBOARD_TEST_PG__ = pg;
  process.env.SWITCHBOARD_TEST_ADMIN_URL = pg.connectionString;
  process.env.SWITCHBOARD_TEST_DATA_DIR = dataDir;
}
