import { Client } from 'pg';
import { PrismaService } from '../database/prisma.service';
import { freePort } from '../database/embedded-postgres';
import { createTestApp, type TestApp } from '../testing/test-app';
import { renderError } from './all-exceptions.filter';
import { classifyDatabaseError } from './database-error';

/** Real errors from Prisma (pg adapter) and pg, classified the way AllExceptionsFilter answers them. */
describe('database errors reaching the exception filter (real PostgreSQL)', () => {
  let t: TestApp;
  let prisma: PrismaService;
  beforeAll(async () => {
    t = await createTestApp();
    prisma = t.app.get(PrismaService);
  });
  afterAll(async () => {
    await t?.close();
  });

  const caught = async (run: () => Promise<unknown>): Promise<unknown> => {
    try {
      await run();
    } catch (err) {
      return err;
    }
    throw new Error('expected an error');
  };

  it('a NUL byte PostgreSQL refuses (22021) through Prisma is a 400, without a stack', async () => {
    const err = await caught(() => prisma.$queryRaw`SELECT ${'a\u0000b'}::text`);
    expect(classifyDatabaseError(err)).toBe('bad_data');
    const rendered = renderError(err);
    expect(rendered.status).toBe(400);
    expect(rendered.message).not.toMatch(/\n\s+at /);
  });

  it('an out-of-range value (22003) through pg is bad data', async () => {
    const client = new Client({ connectionString: t.database.url });
    await client.connect();
    try {
      expect(classifyDatabaseError(await caught(() => client.query('SELECT 40000::smallint')))).toBe(
        'bad_data',
      );
    } finally {
      await client.end();
    }
  });

  it('a refused connection is 503 database_unavailable with Retry-After', async () => {
    const client = new Client({ connectionString: `postgresql://x:y@127.0.0.1:${await freePort()}/none` });
    const err = await caught(() => client.connect());
    const rendered = renderError(err);
    expect(rendered).toMatchObject({ status: 503, code: 'database_unavailable' });
    expect(rendered.headers?.['retry-after']).toMatch(/^\d+$/);
  });

  it('a query error that is not about data or the connection stays a 500', async () => {
    const err = await caught(() => prisma.$queryRawUnsafe('SELECT * FROM "NoSuchTable"'));
    expect(classifyDatabaseError(err)).toBeNull();
    expect(renderError(err).status).toBe(500);
  });
});
