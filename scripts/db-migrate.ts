// Applies pending migrations to DATABASE_URL (or to the embedded database under DATA_DIR when unset),
// recording them in `_prisma_migrations` like `prisma migrate deploy`.
import path from 'node:path';
import { startEmbeddedPostgres } from '../apps/api/src/database/embedded-postgres';
import { applyMigrations } from '../apps/api/src/database/migration-runner';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL?.trim();
  const embedded = url
    ? null
    : await startEmbeddedPostgres({ dataDir: path.resolve(process.env.DATA_DIR ?? '.data') });
  try {
    const applied = await applyMigrations(url || embedded!.connectionString);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  } finally {
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
