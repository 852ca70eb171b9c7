import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/**
 * Redis command timeout for the multi-instance tests: long enough that a busy CI machine never makes an
 * instance fall back to its own counters mid-test (the outage test kills Redis, which fails at once).
 */
export const REDIS_TEST_TIMEOUT_MS = 3_000;

/** Whether `redis-server` can be started here; suites that need it say why they are skipped otherwise. */
export const REDIS_SERVER_INSTALLED = spawnSync('redis-server', ['--version']).status === 0;

/** `describe`, or `describe.skip` with the reason in its name when redis-server is missing. */
export function describeWithRedis(name: string, body: () => void): void {
  if (REDIS_SERVER_INSTALLED) describe(name, body);
  else describe.skip(`${name} (skipped: redis-server is not installed; apt-get install redis-server)`, body);
}

export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: an outage, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A real `redis-server` (Debian's package) on 127.0.0.1 and a port of its own, without persistence. */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;

  const launch = async () => {
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    child = proc;
    const failed = new Promise<never>((_, reject) =>
      proc.once('error', (error) =>
        reject(new Error(`redis-server could not start (apt-get install redis-server): ${error.message}`)),
      ),
    );
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    try {
      for (;;) {
        const ok = await Promise.race([
          probe
            .connect()
            .then(() => probe.ping())
            .then(
              () => true,
              () => false,
            ),
          failed,
        ]);
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
        await new Promise((r) => setTimeout(r, 50));
        probe.disconnect();
      }
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };

  await launch();
  return { url: `redis://127.0.0.1:${port}`, port, kill, restart: launch, stop: kill };
}
