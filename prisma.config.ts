import { defineConfig } from 'prisma/config';

// Prisma 7 keeps datasource URLs here, not in the schema. `DATABASE_URL` is only needed by the
// CLI commands that talk to a database; the server passes its own URL to the pg adapter.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/switchboard' },
});
