import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { openSchemaEngine } from './schema-engine';

export const PRISMA_DIR = path.resolve(__dirname, '../../../../prisma');

/** Reads `prisma/migrations` the way `prisma migrate deploy` does. */
export async function readMigrations(
  migrationsDir = path.join(PRISMA_DIR, 'migrations'),
): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const lockPath = path.join(migrationsDir, 'migration_lock.toml');
  const lock = await readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lock },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      dirs.map(async (dir) => {
        const file = path.join(migrationsDir, dir, 'migration.sql');
        const content = await readFile(file, 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (err: Error) => ({ tag: 'error' as const, value: err.message }),
        );
        return { path: dir, migrationFile: { path: 'migration.sql', content } };
      }),
    ),
  };
}

export async function readSchema(schemaPath = path.join(PRISMA_DIR, 'schema.prisma')) {
  return { path: schemaPath, content: await readFile(schemaPath, 'utf8') };
}

/**
 * Applies pending migrations and records them in `_prisma_migrations`, exactly like
 * `prisma migrate deploy`. Returns the names it applied (empty when the database was up to date).
 */
export async function applyMigrations(connectionString: string): Promise<string[]> {
  const [schema, migrationsList] = await Promise.all([readSchema(), readMigrations()]);
  const { engine, close } = await openSchemaEngine(connectionString, schema);
  try {
    const out = await engine.applyMigrations({
      migrationsList,
      filters: { externalTables: [], externalEnums: [] },
    });
    return out.appliedMigrationNames;
  } finally {
    await close();
  }
}
