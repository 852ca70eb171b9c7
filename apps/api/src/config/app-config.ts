import { z } from 'zod';
import { type OidcSettings, parseOidcSettings } from '../auth/oidc/oidc-settings';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** Every environment variable Switchboard reads, parsed once at start. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(4000),
  WEB_PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
      .optional(),
  ),
  DATA_DIR: z.string().min(1).default('.data'),
  MASTER_KEY: optionalString.pipe(z.string().min(8, 'must be at least 8 characters').optional()),
  ENCRYPTION_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
  ),
  /** Prefix of every key and channel in Redis, so one Redis (Dify's) can serve several tenants. */
  REDIS_KEY_PREFIX: z.string().min(1).max(64).default('switchboard:'),
  /** A Redis command not answered within this falls back to the instance's own counters. */
  REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Apply pending migrations at start. */
  MIGRATE_ON_START: bool.default(true),
  /** Largest request body the data plane accepts (bytes). */
  MAX_REQUEST_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
  /** The gateway's externally reachable base URL, shown in the console (e.g. for Dify). */
  PUBLIC_URL: optionalString.pipe(z.string().url().optional()),
  /** How long SIGTERM waits for in-flight requests and streams before closing them. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(15000),
  /** Request-log batching. */
  LOG_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).default(250),
  LOG_BATCH_SIZE: z.coerce.number().int().min(1).default(500),
  LOG_QUEUE_MAX: z.coerce.number().int().min(100).default(100000),
  /** Days of raw request logs to keep; 0 keeps them forever. Usage rollups are never deleted. */
  LOG_RETENTION_DAYS: z.coerce.number().int().min(0).default(30),
  /**
   * Proxies whose `X-Forwarded-For` is believed (client addresses for throttling and logs): a comma-separated
   * list of addresses, CIDR ranges or `loopback` / `linklocal` / `uniquelocal`. Unset: none, the socket's
   * own address counts (a forged header changes nothing).
   */
  TRUST_PROXY: optionalString,
  /** Single sign-on (OpenID Connect); SSO is on when OIDC_ISSUER is set. See README "Single sign-on". */
  OIDC_ISSUER: optionalString,
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  /** The console's public URL + `/api/auth/oidc/callback` (required in production). */
  OIDC_REDIRECT_URL: optionalString,
  OIDC_SCOPES: optionalString,
  /** Comma-separated email domains allowed to sign in (unset: any the provider vouches for). */
  OIDC_ALLOWED_DOMAINS: optionalString,
  /** The claim whose values OIDC_ROLE_MAP maps, e.g. `groups` (Keycloak, Okta) or `roles` (Entra). */
  OIDC_ROLE_CLAIM: optionalString,
  /** `value=role,value=role` (roles: admin, operator, viewer, project-member). */
  OIDC_ROLE_MAP: optionalString,
  /** Role of a new SSO account whose claims map to none (default viewer); `none` refuses them. */
  OIDC_DEFAULT_ROLE: optionalString,
  OIDC_LABEL: optionalString,
  /** Bearer token Prometheus sends for /metrics; unset: public in development, master key in production. */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Time allowed to open a TCP (and TLS) connection to an upstream. */
  UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** Streams: time allowed until the upstream's response headers arrive. */
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * Whole-request deadline (all attempts and fallbacks together) unless the model group or deployment sets a
   * timeout of its own; long enough for reasoning models answering without a stream.
   */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(600_000),
  /**
   * An upstream that has left a request unanswered this long (and answered nothing since) gets a free liveness
   * probe; no answer within 5 s and its waiting requests fail over to other deployments.
   */
  UPSTREAM_PROBE_AFTER_MS: z.coerce.number().int().min(100).default(10_000),
  /** Streams: a keep-alive comment after this much silence (Dify reads with a 300 s timeout, proxies often 60 s). */
  SSE_KEEPALIVE_MS: z.coerce.number().int().min(50).default(15_000),
  /** How often alert rules are evaluated (one instance per tick evaluates and sends). */
  ALERT_EVALUATION_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
  /** Largest non-stream upstream answer read into memory (bytes); a bigger one is refused with a 502. */
  UPSTREAM_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** `TRUST_PROXY` as Fastify takes it: false when unset, else the listed proxies. */
export function parseTrustProxy(value: string | undefined): false | string[] {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length === 0 ? false : list;
}

/**
 * Why a production master key looks guessable, or null when it looks random: at least 32 characters, at
 * least 10 different ones, and either three character classes (lower, upper, digits, others) or 40+
 * characters (hex from `openssl rand -hex 32` has two classes). The master key opens everything.
 */
export function masterKeyWeakness(key: string): string | null {
  if (key.length < 32) return `is ${key.length} characters long; use at least 32 random characters`;
  if (new Set(key).size < 10) return 'repeats too few different characters to be random';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(key)).length;
  if (classes < 3 && key.length < 40) {
    return 'mixes too few kinds of characters (use 40+ characters, or upper, lower case and digits)';
  }
  return null;
}

/** Parses the environment, naming every bad variable at once. */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  // An empty variable (`FOO=` in a compose file) means unset, not zero: it gets the default.
  const given = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = envSchema.safeParse(given);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  }
  const env = result.data;
  if (env.NODE_ENV === 'production') {
    const missing = (['MASTER_KEY', 'ENCRYPTION_KEY'] as const).filter((k) => !env[k]);
    if (missing.length) {
      throw new ConfigError(missing.map((k) => `${k}: required when NODE_ENV=production`));
    }
    const weakness = masterKeyWeakness(env.MASTER_KEY!);
    if (weakness) {
      throw new ConfigError([
        `MASTER_KEY: ${weakness} with NODE_ENV=production; generate one with \`openssl rand -base64 32\``,
      ]);
    }
  }
  const oidc = parseOidcSettings(env);
  if (oidc.problems.length > 0) throw new ConfigError(oidc.problems);
  return env;
}

/** The resolved configuration the app runs with (secrets filled in, database chosen). */
export interface AppConfig {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  webPort: number;
  dataDir: string;
  databaseUrl: string;
  masterKey: string;
  encryptionKey: string;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  redisTimeoutMs: number;
  logLevel: Env['LOG_LEVEL'];
  maxRequestBodyBytes: number;
  publicUrl: string | undefined;
  shutdownGraceMs: number;
  logFlushIntervalMs: number;
  logBatchSize: number;
  logQueueMax: number;
  logRetentionDays: number;
  upstreamConnectTimeoutMs: number;
  upstreamFirstByteTimeoutMs: number;
  upstreamTimeoutMs: number;
  upstreamMaxResponseBytes: number;
  sseKeepAliveMs: number;
  upstreamProbeAfterMs: number;
  /** Shortest background health-check interval a deployment may set (default 10 s; tests lower it). */
  healthProbeMinIntervalSeconds?: number;
  alertEvaluationIntervalMs: number;
  /** Fastify's `trustProxy`: false, or the list of trusted proxies. */
  trustProxy: false | string[];
  metricsToken: string | undefined;
  /** Single sign-on; null when OIDC_ISSUER is unset. */
  oidc: OidcSettings | null;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
