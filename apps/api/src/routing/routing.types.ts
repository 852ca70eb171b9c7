import type { Capability, ProbeMode } from '@switchboard/contracts';

/**
 * Types shared by the router core. The router is pure and in-memory: clock, randomness and sleep are
 * injected so every decision can be tested exactly.
 */

export const ROUTING_STRATEGIES = [
  'weighted-shuffle',
  'round-robin',
  'least-busy',
  'lowest-latency',
  'usage-based',
  'priority',
] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

// LiteLLM spellings too, so imported proxy configs keep their meaning.
const STRATEGY_ALIASES: Readonly<Record<string, RoutingStrategy>> = {
  'simple-shuffle': 'weighted-shuffle',
  'latency-based-routing': 'lowest-latency',
  'usage-based-routing': 'usage-based',
  'usage-based-routing-v2': 'usage-based',
};

/** Canonical strategy for a name or alias (case and surrounding blanks ignored); null when unknown. */
export function normaliseStrategy(name: string): RoutingStrategy | null {
  const key = name.trim().toLowerCase();
  const canonical = ROUTING_STRATEGIES.find((s) => s === key);
  return canonical ?? STRATEGY_ALIASES[key] ?? null;
}

export interface RoutedDeployment {
  id: string;
  name: string;
  modelGroup: string;
  provider: string;
  model: string;
  apiBase: string | null;
  apiKey: string | null;
  apiVersion: string | null;
  weight: number | null;
  /** Lower number = tried first (0 = highest). */
  priority: number;
  rpmLimit: number | null;
  tpmLimit: number | null;
  timeoutMs: number | null;
  enabled: boolean;
  tags: string[];
  /** What the deployment serves: its own list, or its provider's defaults when it declares none. */
  capabilities: readonly Capability[];
  /** Background health checks every this many seconds; null or absent: none. */
  probeIntervalSeconds?: number | null;
  /** What a health check sends (absent: `models`, the provider's free check). */
  probeMode?: ProbeMode;
}

export interface ModelGroupPolicy {
  name: string;
  strategy: RoutingStrategy;
  numRetries: number;
  fallbacks: string[];
  allowedFails: number;
  cooldownSeconds: number;
  /** No single failure (however long its Retry-After) benches a deployment for longer than this. */
  maxCooldownSeconds: number;
  timeoutMs: number | null;
  streamIdleTimeoutMs: number | null;
}

export interface RouterSnapshot {
  groups: ModelGroupPolicy[];
  deployments: RoutedDeployment[];
}

export type { RandomSource } from '../common/clock';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface AttemptContext {
  /** 1-based, counted over the whole request (fallback groups included). */
  attempt: number;
  modelGroup: string;
  isFallback: boolean;
  estimatedTokens: number;
  signal?: AbortSignal;
}

export type AttemptResult<T> =
  | { ok: true; value: T; latencyMs: number; ttftMs?: number; tokens?: number; rateLimit?: RateLimitInfo }
  | {
      ok: false;
      error: AttemptError;
      /** Bytes already went to the client, so the request must never be retried. */
      committed: boolean;
    };

/** Structurally the upstream client's `UpstreamErrorClass`; the router reads only these flags. */
export interface AttemptError {
  kind: string;
  status: number;
  retryable: boolean;
  cooldown: boolean;
  retryAfterMs: number | null;
  message: string;
}

/** Parsed `x-ratelimit-*` headers of the upstream's last successful answer. */
export interface RateLimitInfo {
  remainingRequests: number | null;
  remainingTokens: number | null;
  resetRequestsMs: number | null;
  resetTokensMs: number | null;
  /** `x-ratelimit-limit-*`: lets usage-based routing turn "remaining" into a fraction. */
  limitRequests?: number | null;
  limitTokens?: number | null;
}

export interface AttemptRecord {
  deploymentId: string;
  deploymentName: string;
  modelGroup: string;
  /** 200 on success, the upstream status otherwise (499 when the client went away). */
  status: number;
  errorKind: string | null;
  latencyMs: number;
  startedAt: number;
}

/** Why a request could not be routed to an answer. */
export type FailureReason =
  | 'model_not_found'
  | 'unsupported_endpoint'
  /** Every deployment's provider refused to express the request. */
  | 'unsupported_request'
  /** The upstream rejected the request itself (a 4xx that is not about the deployment). */
  | 'request_rejected'
  | 'rate_limited'
  | 'upstream_auth'
  | 'upstream_failed'
  | 'no_available_deployment'
  | 'deadline_exceeded'
  | 'client_closed';

export type ExecuteOutcome<T> =
  | { ok: true; value: T; deployment: RoutedDeployment; attempts: AttemptRecord[] }
  | {
      ok: false;
      /** Why (`httpFailure` turns it into a status, type and code). */
      reason: FailureReason;
      /** Human-readable reason: which deployments, cooling down until when, at which limit, last error. */
      message: string;
      attempts: AttemptRecord[];
      lastError: AttemptError | null;
      /** For the `Retry-After` header: when capacity is expected back (null when unknown). */
      retryAfterMs: number | null;
    };

export interface ExecuteOptions {
  estimatedTokens: number;
  /** What the request asks for: only deployments that serve it are picked. */
  capability?: Capability;
  signal?: AbortSignal;
  /** Streams rank lowest-latency deployments by time to first token. */
  stream?: boolean;
  /** Absolute epoch ms; no attempt starts and no Retry-After wait ends after it. */
  deadlineAt?: number;
}

export interface PickOptions {
  /** Deployment ids to skip (already tried in this request). */
  exclude?: readonly string[];
  estimatedTokens: number;
  /** Only deployments that serve it. */
  capability?: Capability;
  stream?: boolean;
}

export type CooldownReason = 'rate_limited' | 'failures' | 'auth';

/** Live view of one deployment for the admin API. */
export interface DeploymentHealth {
  healthy: boolean;
  cooldownUntil: number | null;
  cooldownReason: CooldownReason | null;
  lastError: string | null;
  inFlight: number;
  rpmUsed: number;
  tpmUsed: number;
  latencyMs: number | null;
  ttftMs: number | null;
  /** Epoch ms of the last failure / success (any instance with shared state); null = never. */
  lastErrorAt: number | null;
  lastSuccessAt: number | null;
  /** The last health check or connection test (any instance with shared state). */
  lastProbe: ProbeResult | null;
}

export interface ExpectedShare {
  deploymentId: string;
  /** Fraction of the group's traffic in [0, 1]; the shares of a group sum to 1. */
  share: number;
}

/** One health check or connection test, as the console shows it ("Last probe: OK 12 ms, 20 s ago"). */
export interface ProbeResult {
  /** When it finished (epoch ms). */
  at: number;
  ok: boolean;
  /** The upstream's HTTP status; null when it could not be reached. */
  status: number | null;
  latencyMs: number;
  /** Secrets already redacted. */
  message: string;
}
