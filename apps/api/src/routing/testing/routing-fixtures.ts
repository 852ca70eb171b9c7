import { type DeploymentStateStore, InMemoryDeploymentState } from '../deployment-state';
import { Router } from '../router';
import { RouterRegistry } from '../router-registry';
import type {
  AttemptError,
  AttemptResult,
  ModelGroupPolicy,
  RateLimitInfo,
  RoutedDeployment,
  RouterSnapshot,
  Sleep,
} from '../routing.types';
import { InMemoryUsageCounters } from '../usage-counters';
import { FakeClock } from '../../common/testing/fake-clock';
import { mulberry32 } from './mulberry32';

export function deployment(id: string, overrides: Partial<RoutedDeployment> = {}): RoutedDeployment {
  return {
    id,
    name: id,
    modelGroup: 'gpt-4.1',
    provider: 'openai',
    model: 'gpt-4.1',
    apiBase: null,
    apiKey: null,
    apiVersion: null,
    weight: null,
    priority: 0,
    rpmLimit: null,
    tpmLimit: null,
    timeoutMs: null,
    enabled: true,
    tags: [],
    capabilities: ['chat', 'completions', 'embeddings'],
    ...overrides,
  };
}

export function group(name: string, overrides: Partial<ModelGroupPolicy> = {}): ModelGroupPolicy {
  return {
    name,
    strategy: 'weighted-shuffle',
    numRetries: 2,
    fallbacks: [],
    allowedFails: 3,
    cooldownSeconds: 60,
    maxCooldownSeconds: 300,
    timeoutMs: null,
    streamIdleTimeoutMs: null,
    ...overrides,
  };
}

export function ok<T>(
  value: T,
  extra: { latencyMs?: number; ttftMs?: number; tokens?: number; rateLimit?: RateLimitInfo } = {},
): AttemptResult<T> {
  return { ok: true, value, latencyMs: extra.latencyMs ?? 100, ...extra };
}

const DEFAULT_ERRORS: Record<number, Omit<AttemptError, 'status' | 'retryAfterMs' | 'message'>> = {
  400: { kind: 'bad_request', retryable: false, cooldown: false },
  401: { kind: 'auth', retryable: false, cooldown: true },
  404: { kind: 'not_found', retryable: false, cooldown: true },
  429: { kind: 'rate_limit', retryable: true, cooldown: true },
  500: { kind: 'server', retryable: true, cooldown: false },
  502: { kind: 'server', retryable: true, cooldown: false },
  503: { kind: 'server', retryable: true, cooldown: false },
};

/** A failed attempt shaped like the upstream client's classification of `status`. */
export function fail(
  status: number,
  overrides: Partial<AttemptError> & { committed?: boolean } = {},
): AttemptResult<never> {
  const { committed = false, ...error } = overrides;
  const base = DEFAULT_ERRORS[status] ?? { kind: 'other', retryable: false, cooldown: false };
  return {
    ok: false,
    committed,
    error: { ...base, status, retryAfterMs: null, message: `upstream said ${status}`, ...error },
  };
}

export interface Harness {
  clock: FakeClock;
  registry: RouterRegistry;
  state: DeploymentStateStore;
  counters: InMemoryUsageCounters;
  router: Router;
  /** Every Retry-After sleep the router asked for (the fake sleep advances the clock by it). */
  sleeps: number[];
}

export function harness(
  snapshot: RouterSnapshot,
  options: { seed?: number; maxRetryWaitMs?: number } = {},
): Harness {
  const clock = new FakeClock();
  const registry = new RouterRegistry(snapshot);
  const state = new InMemoryDeploymentState();
  const counters = new InMemoryUsageCounters();
  const sleeps: number[] = [];
  const sleep: Sleep = async (ms) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  const router = new Router({
    registry,
    clock,
    random: mulberry32(options.seed ?? 42),
    sleep,
    state,
    counters,
    maxRetryWaitMs: options.maxRetryWaitMs,
  });
  return { clock, registry, state, counters, router, sleeps };
}

/** How often each deployment id is picked in `n` picks. */
export function countPicks(
  router: Router,
  modelGroup: string,
  n: number,
  stream = false,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const d = router.pick(modelGroup, { estimatedTokens: 0, stream });
    const key = d?.id ?? 'none';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** A promise plus its resolver, to hold an attempt open while the test changes the world. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
