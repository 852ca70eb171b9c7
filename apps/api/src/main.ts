import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { createApp, parseEnv, type ResolvedRuntime, resolveRuntime } from './bootstrap';
import { gracefulShutdownOf } from './common/graceful-shutdown';
import { createLogger } from './common/logger';
import { describeStartupFailure } from './common/startup-error';
import { ConfigError, type Env } from './config/app-config';

/** After the grace period: time left to flush the request log and stop the embedded database. */
const CLOSE_BUDGET_MS = 5000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

let env: Env | null = null;
let logger: Logger | null = null;
let runtime: ResolvedRuntime | null = null;
let app: NestFastifyApplication | null = null;
let starting = true;
let stopSignal: string | null = null;
let stopped: Promise<void> | null = null;

/**
 * The one shutdown order (a terminal's Ctrl+C, `docker stop`, Kubernetes): stop taking requests and
 * let those in flight finish (streams up to SHUTDOWN_GRACE_MS), close the app (its shutdown hooks
 * write the queued request-log rows), and stop the embedded PostgreSQL last. The process exits
 * within SHUTDOWN_GRACE_MS + 5 s whatever happens.
 */
function onSignal(signal: string): void {
  if (stopSignal) {
    logger?.warn({ signal }, 'already shutting down; in-flight requests are finishing');
    return;
  }
  stopSignal = signal;
  const graceMs = runtime?.config.shutdownGraceMs ?? env?.SHUTDOWN_GRACE_MS ?? 15_000;
  const force = setTimeout(
    () => {
      logger?.error(`shutdown did not finish within ${graceMs + CLOSE_BUDGET_MS} ms; exiting now`);
      process.exit(1);
    },
    graceMs + CLOSE_BUDGET_MS - 250,
  );
  force.unref();
  // A signal during start-up is acted on once start-up has finished (or failed).
  if (!starting) void stop(signal);
}

function stop(signal: string): Promise<void> {
  stopped ??= (async () => {
    let code = 0;
    try {
      if (app) {
        logger?.info({ signal }, 'shutting down: finishing in-flight requests');
        const report = await gracefulShutdownOf(app).drain();
        logger?.info(report, 'requests drained; writing the request log');
        await app.close();
      }
    } catch (err) {
      code = 1;
      logger?.error({ err }, 'error while closing the app');
    }
    try {
      await runtime?.embedded?.stop();
    } catch (err) {
      code = 1;
      logger?.error({ err }, 'error while stopping the embedded PostgreSQL');
    }
    logger?.info('stopped');
    process.exit(code);
  })();
  return stopped;
}

async function main(): Promise<void> {
  for (const s of SIGNALS) process.on(s, () => onSignal(s));
  try {
    env = parseEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  logger = createLogger(env.LOG_LEVEL);
  runtime = await resolveRuntime(env, logger);
  if (stopSignal) return stop(stopSignal);
  app = await createApp(runtime.config, logger);
  await app.listen(runtime.config.port, runtime.config.host);
  starting = false;
  if (stopSignal) return stop(stopSignal);

  const shown = runtime.config.host === '0.0.0.0' ? '127.0.0.1' : runtime.config.host;
  const lines = [
    `Switchboard gateway listening on http://${shown}:${runtime.config.port}`,
    `  OpenAI-compatible base URL: http://${shown}:${runtime.config.port}/v1`,
    ...runtime.notes.map((n) => `  ${n}`),
  ];
  console.log(lines.join('\n'));
}

main().catch(async (err: unknown) => {
  // One sentence that says what to do; the stack only when debugging.
  const verbose = env?.LOG_LEVEL === 'debug' || env?.LOG_LEVEL === 'trace';
  console.error(describeStartupFailure(err, verbose));
  await app?.close().catch(() => undefined);
  await runtime?.embedded?.stop().catch(() => undefined);
  process.exit(1);
});
