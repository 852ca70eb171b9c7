import 'reflect-metadata';
import { createApp, parseEnv, resolveRuntime } from './bootstrap';
import { ConfigError } from './config/app-config';
import { createLogger } from './common/logger';

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL);
  const runtime = await resolveRuntime(env, logger);
  const app = await createApp(runtime.config, logger);
  await app.listen(runtime.config.port, runtime.config.host);

  const shown = runtime.config.host === '0.0.0.0' ? '127.0.0.1' : runtime.config.host;
  const lines = [
    `Switchboard gateway listening on http://${shown}:${runtime.config.port}`,
    `  OpenAI-compatible base URL: http://${shown}:${runtime.config.port}/v1`,
    ...runtime.notes.map((n) => `  ${n}`),
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), runtime.config.shutdownGraceMs + 10_000);
    force.unref();
    try {
      await app.close();
    } finally {
      await runtime.embedded?.stop();
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
