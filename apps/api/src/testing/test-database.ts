import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { applyMigrations } from '../database/migration-runner';

function adminUrl(): string {
  const url = process.env.SWITCHBOARD_TEST_ADMIN_URL;
  if (!url)
    throw new Error('SWITCHBOARD_TEST_ADMIN_URL is unset: run integration specs through jest (globalSetup)');
  return url;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database in the run's embedded PostgreSQL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
