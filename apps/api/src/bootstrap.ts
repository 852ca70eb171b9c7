import { parseOidcSettings } from './auth/oidc/oidc-settings';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import path from 'node:path';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { installGracefulShutdown } from './common/graceful-shutdown';
import { registerCsrfGuard } from './security/csrf.hook';
import {
  frameworkErrorHandler,
  registerAdminTextGuard,
  registerJsonBodyParser,
} from './common/json-body.parser';
import { createLogger, PinoNestLogger } from './common/logger';
import { type AppConfig, type Env, parseEnv, parseTrustProxy } from './config/app-config';
import { loadOrCreateDevSecrets } from './config/dev-secrets';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from './database/embedded-postgres';
import { applyMigrations } from './database/migration-runner';

export interface ResolvedRuntime {
  config: AppConfig;
  embedded: EmbeddedPostgresHandle | null;
  /** Lines worth showing the operator at start (never secrets other than a generated dev master key). */
  notes: string[];
}

/**
 * Turns the environment into a runnable configuration: fills in development secrets, starts the
 * embedded PostgreSQL when DATABASE_URL is unset, and applies pending migrations.
 */
export async function resolveRuntime(env: Env, logger: Logger): Promise<ResolvedRuntime> {
  const notes: string[] = [];
  const dataDir = path.resolve(env.DATA_DIR);
  let masterKey = env.MASTER_KEY;
  let encryptionKey = env.ENCRYPTION_KEY;
  if (!masterKey || !encryptionKey) {
    const dev = await loadOrCreateDevSecrets(dataDir);
    if (!masterKey) {
      masterKey = dev.masterKey;
      notes.push(`Master key (development, kept in ${path.join(dataDir, 'secrets.json')}): ${masterKey}`);
    }
    encryptionKey ??= dev.encryptionKey;
  }

  let embedded: EmbeddedPostgresHandle | null = null;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir,
      log: (line) => logger.debug({ component: 'embedded-postgres' }, line),
      // main.ts stops it last, after the drain and the request-log flush.
      stopOnSignals: false,
    });
    databaseUrl = embedded.connectionString;
    notes.push(`Embedded PostgreSQL on 127.0.0.1:${embedded.port}, data in ${embedded.dataDir}`);
  }

  try {
    if (env.MIGRATE_ON_START) {
      const applied = await applyMigrations(databaseUrl);
      if (applied.length) notes.push(`Applied migrations: ${applied.join(', ')}`);
    }
  } catch (err) {
    await embedded?.stop();
    throw err;
  }

  return {
    embedded,
    notes,
    config: {
      env: env.NODE_ENV,
      host: env.HOST,
      port: env.PORT,
      webPort: env.WEB_PORT,
      dataDir,
      databaseUrl,
      masterKey,
      encryptionKey,
      redisUrl: env.REDIS_URL,
      redisKeyPrefix: env.REDIS_KEY_PREFIX,
      redisTimeoutMs: env.REDIS_TIMEOUT_MS,
      logLevel: env.LOG_LEVEL,
      maxRequestBodyBytes: env.MAX_REQUEST_BODY_BYTES,
      publicUrl: env.PUBLIC_URL,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      logFlushIntervalMs: env.LOG_FLUSH_INTERVAL_MS,
      logBatchSize: env.LOG_BATCH_SIZE,
      logQueueMax: env.LOG_QUEUE_MAX,
      logRetentionDays: env.LOG_RETENTION_DAYS,
      upstreamConnectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
      upstreamFirstByteTimeoutMs: env.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
      upstreamMaxResponseBytes: env.UPSTREAM_MAX_RESPONSE_BYTES,
      sseKeepAliveMs: env.SSE_KEEPALIVE_MS,
      upstreamProbeAfterMs: env.UPSTREAM_PROBE_AFTER_MS,
      alertEvaluationIntervalMs: env.ALERT_EVALUATION_INTERVAL_MS,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      metricsToken: env.METRICS_TOKEN,
      oidc: parseOidcSettings(env).settings,
    },
  };
}

/** Builds the Nest application (not yet listening). Used by main.ts and by integration tests. */
export async function createApp(config: AppConfig, logger: Logger = createLogger(config.logLevel)) {
  const adapter = new FastifyAdapter({
    bodyLimit: config.maxRequestBodyBytes,
    // Client keep-alive: Dify and SDKs reuse connections.
    keepAliveTimeout: 65_000,
    // Forwarded headers only from configured proxies: otherwise anyone could pick their own address.
    trustProxy: config.trustProxy === false ? false : config.trustProxy,
    // A URL that does not decode (`%zz`, `%C0%80`) is refused before routing: answer in our shape.
    frameworkErrors: frameworkErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
    // Fastify's own JSON parser (same limits and poisoning checks): Nest's wrapper rebuilt the parser on
    // every request. Nothing here takes urlencoded forms.
    bodyParser: false,
    // A wiring mistake (a provider no module exports) is thrown to the caller, which names it, instead of
    // Nest ending the process from inside the factory.
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify's JSON parser behind a nesting-depth limit (deep JSON overflowed the re-serialisation), and
  // admin text PostgreSQL cannot store (NUL, unpaired surrogates) refused with a 400.
  registerJsonBodyParser(fastify);
  registerAdminTextGuard(fastify);
  registerCsrfGuard(fastify);
  // Nest installs its exception layer as Fastify's error handler, so body-parse errors (malformed
  // JSON, body too large, unknown content type) reach AllExceptionsFilter like everything else.
  // audio/transcriptions arrives as multipart and is passed through to the upstream untouched.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
  // No app.enableShutdownHooks(): Nest's own signal handler closed the app and re-raised the signal,
  // racing main.ts's ordered stop (drain, flush the request log, then stop the database).
  installGracefulShutdown(app, config.shutdownGraceMs);
  return app;
}

export { parseEnv };
