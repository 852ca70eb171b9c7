import type { Capability } from '@switchboard/contracts';
import type {
  AttemptError,
  CooldownReason,
  ModelGroupPolicy,
  ProbeResult,
  RateLimitInfo,
} from './routing.types';
import { USAGE_WINDOW_MS } from './usage-counters';

/** What the upstream's `x-ratelimit-*` headers said last, with absolute expiry times. */
export interface UpstreamLimits {
  remainingRequests: number | null;
  remainingTokens: number | null;
  limitRequests: number | null;
  limitTokens: number | null;
  requestsResetAt: number;
  tokensResetAt: number;
  /** Requests we started since the report: the upstream's "remaining" already excludes earlier ones. */
  sentSince: number;
  /** When the report came (epoch ms): the newest report of any instance wins. */
  reportedAt: number;
}

export interface DeploymentLiveState {
  inFlight: number;
  /** EWMA of whole-request latency; null until the first success. */
  latencyMs: number | null;
  /** EWMA of time to first token (streams); null until measured. */
  ttftMs: number | null;
  /** When the latest latency sample came in (epoch ms); 0 before the first. */
  sampledAt: number;
  /** Times of retryable failures inside the failure window, oldest first (at most `allowedFails` + 1). */
  failureTimes: number[];
  /** Epoch ms; the deployment is out of rotation while `now < cooldownUntil`. */
  cooldownUntil: number;
  cooldownReason: CooldownReason | null;
  lastError: string | null;
  /** When `lastError` happened (epoch ms); 0 = never. */
  lastErrorAt: number;
  /** When the last attempt succeeded (epoch ms); 0 = never. */
  lastSuccessAt: number;
  upstream: UpstreamLimits | null;
  /** Capabilities the upstream answered 404/405 for, until when (epoch ms): not tried for those meanwhile. */
  unsupported: Map<Capability, number> | null;
  /** The last health check or connection test; null: none yet. */
  lastProbe: ProbeResult | null;
}

export interface SuccessSample {
  latencyMs: number;
  ttftMs?: number;
  rateLimit?: RateLimitInfo;
}

export type CooldownPolicy = Pick<ModelGroupPolicy, 'allowedFails' | 'cooldownSeconds'> &
  Partial<Pick<ModelGroupPolicy, 'maxCooldownSeconds'>>;

/** Cooldowns are capped here when a group sets no cap of its own. */
export const DEFAULT_MAX_COOLDOWN_SECONDS = 300;

/**
 * Latency samples older than this are stale: `lowest-latency` measures such a deployment again (one request),
 * and that sample replaces the old average instead of being blended into it, so a deployment that was slow
 * once is not shut out for good.
 */
export const LATENCY_STALE_MS = 60_000;

/** How long a deployment is not offered a capability its upstream answered 404/405 for. */
export const UNSUPPORTED_MEMORY_MS = 10 * 60_000;

export interface DeploymentStateOptions {
  /** Weight of the newest latency sample (default 0.3: reacts within a few requests, ignores one outlier). */
  ewmaAlpha?: number;
  /** `allowedFails` counts failures inside this window (default 60 s). */
  failureWindowMs?: number;
}

/** Upstream rejected our credentials (key revoked, wrong region...): the operator must fix the deployment. */
export function isAuthError(error: AttemptError): boolean {
  return error.kind === 'auth' || error.status === 401 || error.status === 403;
}

export function isRateLimitError(error: AttemptError): boolean {
  return error.kind === 'rate_limit' || error.status === 429;
}

/**
 * The failure is the deployment's, not the request's (bad key, unknown upstream model, unreachable...):
 * another deployment may well succeed even when the classifier says this one should not be retried.
 */
export function isDeploymentFault(error: AttemptError): boolean {
  return isAuthError(error) || error.cooldown;
}

/**
 * The upstream does not serve this route (404/405 without "model not found"): says nothing about the
 * deployment's health for the other capabilities.
 */
export function isUnsupportedRoute(error: AttemptError): boolean {
  return error.kind === 'unsupported_route';
}

/** The provider cannot express this request (e.g. content Anthropic cannot take): another deployment may. */
export function isProviderRefusal(error: AttemptError): boolean {
  return error.kind === 'provider_unsupported';
}

/**
 * Benches a successful probe lifts (half-open): the upstream answers again after server errors, timeouts,
 * refused connections or a rejected key. Not a rate limit: `/models` answering says nothing about whether the
 * provider takes completions again before its Retry-After.
 */
export function isLiftedByProbe(reason: CooldownReason | null): boolean {
  return reason === 'failures' || reason === 'auth';
}

/** How a failure affects the deployment; `null` means it was the request's fault (e.g. a 400). */
export function failureCategory(error: AttemptError): CooldownReason | null {
  if (isUnsupportedRoute(error) || isProviderRefusal(error)) return null;
  if (isAuthError(error)) return 'auth';
  if (error.cooldown) return isRateLimitError(error) ? 'rate_limited' : 'failures';
  return error.retryable ? 'failures' : null;
}

const ewma = (prev: number | null, sample: number, alpha: number): number =>
  prev === null ? sample : prev + alpha * (sample - prev);

const finiteOrNull = (n: number | null | undefined): number | null =>
  n !== null && n !== undefined && Number.isFinite(n) ? n : null;

/** What every instance together shows for a deployment (shared state only). */
export interface SharedDeploymentView {
  inFlight: number;
  rpm: number;
  tpm: number;
  latencyMs: number | null;
  ttftMs: number | null;
  lastError: string | null;
  lastErrorAt: number;
  lastSuccessAt: number;
  lastProbe: ProbeResult | null;
}

/**
 * Live per-deployment state: cooldowns, failure counts, requests in flight, latency, the upstream's own
 * rate-limit report. In memory on one instance (`InMemoryDeploymentState`); shared by every instance through
 * Redis with REDIS_URL (`RedisDeploymentState`). Every read is synchronous and local: the router never waits
 * on the network to pick.
 */
export interface DeploymentStateStore {
  /** Read-only view of this instance's record, undefined when nothing was ever recorded. */
  peek(id: string): Readonly<DeploymentLiveState> | undefined;
  /** Requests in flight to the deployment, on every instance that shares its state. */
  inFlight(id: string): number;
  acquire(id: string): void;
  release(id: string): void;
  recordSuccess(id: string, sample: SuccessSample, nowMs: number): void;
  recordFailure(
    id: string,
    error: AttemptError,
    nowMs: number,
    policy: CooldownPolicy,
  ): CooldownReason | null;
  markUnsupported(id: string, capability: Capability, error: AttemptError, nowMs: number): void;
  /**
   * A connection test or health probe: a success is the last success; a failure the last error, and a
   * rejected key benches the deployment (every request would fail). A success lifts a bench for failures
   * or a rejected key (half-open), never a rate-limit bench. `result`, when given, is kept as the last probe.
   */
  recordProbe(
    id: string,
    error: AttemptError | null,
    nowMs: number,
    policy: CooldownPolicy,
    result?: ProbeResult,
  ): void;
  isUnsupported(id: string, capability: Capability, nowMs: number): boolean;
  /** One listener hears of cooldowns started here and of resets (until = 0). */
  onCooldown(listener: (id: string, until: number, reason: CooldownReason | null) => void): void;
  applyRemoteCooldown(id: string, until: number, reason: CooldownReason): void;
  /** Another instance put the deployment back into rotation (e.g. a probe answered there). */
  applyRemoteReset(id: string): void;
  /** The right to health-check the deployment for `ms`: false while another instance holds it. */
  claimProbe(id: string, ms: number): Promise<boolean>;
  reset(id: string): void;
  cooldownUntil(id: string, nowMs: number): number | null;
  upstreamBlockedUntil(id: string, nowMs: number): number | null;
  upstreamHeadroom(
    id: string,
    nowMs: number,
    rpmLimit: number | null,
    tpmLimit: number | null,
  ): number | null;
  /** Every instance's numbers together (the console's view), or null when the state is not shared. */
  shared(id: string, nowMs: number): SharedDeploymentView | null;
  delete(id: string): void;
}

/**
 * Live per-deployment state of one instance, keyed by deployment id so it survives registry swaps. Nothing
 * here runs on a timer: cooldowns and header freshness are compared with the injected clock when read.
 */
export class InMemoryDeploymentState implements DeploymentStateStore {
  protected readonly states = new Map<string, DeploymentLiveState>();
  /** Told of every cooldown this instance starts or lengthens, and of every reset (until = 0). */
  private cooldownListener: ((id: string, until: number, reason: CooldownReason | null) => void) | null =
    null;
  private readonly alpha: number;
  protected readonly failureWindowMs: number;

  constructor(options: DeploymentStateOptions = {}) {
    this.alpha = options.ewmaAlpha ?? 0.3;
    this.failureWindowMs = options.failureWindowMs ?? 60_000;
  }

  /** Read-only view, undefined when nothing was ever recorded (no allocation on the pick path). */
  peek(id: string): Readonly<DeploymentLiveState> | undefined {
    return this.states.get(id);
  }

  inFlight(id: string): number {
    return this.states.get(id)?.inFlight ?? 0;
  }

  shared(_id: string, _nowMs: number): SharedDeploymentView | null {
    return null;
  }

  acquire(id: string): void {
    const s = this.state(id);
    s.inFlight += 1;
    if (s.upstream) s.upstream.sentSince += 1;
  }

  release(id: string): void {
    // peek, not state(): the deployment may have been deleted while the attempt ran.
    const s = this.states.get(id);
    if (s && s.inFlight > 0) s.inFlight -= 1;
  }

  recordSuccess(id: string, sample: SuccessSample, nowMs: number): void {
    const s = this.state(id);
    s.lastSuccessAt = nowMs;
    if (nowMs - s.sampledAt >= LATENCY_STALE_MS) {
      s.latencyMs = null;
      s.ttftMs = null;
    }
    if (Number.isFinite(sample.latencyMs) && sample.latencyMs >= 0) {
      s.latencyMs = ewma(s.latencyMs, sample.latencyMs, this.alpha);
      s.sampledAt = nowMs;
    }
    if (sample.ttftMs !== undefined && Number.isFinite(sample.ttftMs) && sample.ttftMs >= 0) {
      s.ttftMs = ewma(s.ttftMs, sample.ttftMs, this.alpha);
    }
    if (sample.rateLimit) this.recordRateLimit(s, sample.rateLimit, nowMs);
  }

  /**
   * Applies a failed attempt; returns the cooldown reason when the deployment was taken out of rotation.
   * - auth failures: cooldown for `cooldownSeconds` (the key is broken, every request would fail);
   * - `cooldown: true` (429, unreachable...): cooldown for `retryAfterMs`, else `cooldownSeconds`;
   * - other retryable failures: `allowedFails` of them within the failure window are tolerated (LiteLLM's
   *   `allowed_fails`), the next one cools the deployment down (0: the first failure does);
   * - non-retryable request errors (400, context window...) say nothing about the deployment: ignored.
   */
  recordFailure(
    id: string,
    error: AttemptError,
    nowMs: number,
    policy: CooldownPolicy,
  ): CooldownReason | null {
    const category = failureCategory(error);
    if (category === null) return null;
    const s = this.state(id);
    s.lastError = `${error.status} ${error.kind}: ${error.message}`;
    s.lastErrorAt = nowMs;
    // No single failure benches a deployment for longer than the cap (one `Retry-After: 86400` must not take it
    // out for a day).
    const capMs = capMsOf(policy);
    const cooldownMs = cooldownMsOf(policy);

    if (category === 'auth') return this.coolDown(id, s, 'auth', nowMs + cooldownMs);
    if (error.cooldown) {
      const retryAfter = finiteOrNull(error.retryAfterMs);
      const ms = retryAfter !== null ? Math.min(Math.max(0, retryAfter), capMs) : cooldownMs;
      return this.coolDown(id, s, category, nowMs + ms);
    }

    const times = s.failureTimes;
    while (times.length > 0 && times[0] <= nowMs - this.failureWindowMs) times.shift();
    times.push(nowMs);
    if (times.length <= Math.max(0, policy.allowedFails)) return null;
    return this.coolDown(id, s, 'failures', nowMs + cooldownMs);
  }

  /** Remembers that the upstream does not serve `capability` (it answered 404/405 for it). */
  markUnsupported(id: string, capability: Capability, error: AttemptError, nowMs: number): void {
    const s = this.state(id);
    (s.unsupported ??= new Map()).set(capability, nowMs + UNSUPPORTED_MEMORY_MS);
    s.lastError = `${error.status} ${error.kind}: ${error.message}`;
    s.lastErrorAt = nowMs;
  }

  recordProbe(
    id: string,
    error: AttemptError | null,
    nowMs: number,
    policy: CooldownPolicy,
    result?: ProbeResult,
  ): void {
    if (result) this.state(id).lastProbe = result;
    if (error !== null) {
      if (isAuthError(error)) this.recordFailure(id, error, nowMs, policy);
      else {
        const s = this.state(id);
        s.lastError = `${error.status} ${error.kind}: ${error.message}`;
        s.lastErrorAt = nowMs;
      }
      return;
    }
    const s = this.state(id);
    s.lastSuccessAt = nowMs;
    if (isLiftedByProbe(s.cooldownReason) && s.cooldownUntil > nowMs) this.reset(id);
  }

  /** True while the upstream is known not to serve `capability`. */
  isUnsupported(id: string, capability: Capability, nowMs: number): boolean {
    const until = this.states.get(id)?.unsupported?.get(capability);
    return until !== undefined && until > nowMs;
  }

  /** One listener (the shared cooldowns) hears of cooldowns started here and of resets. */
  onCooldown(listener: (id: string, until: number, reason: CooldownReason | null) => void): void {
    this.cooldownListener = listener;
  }

  /** A cooldown another instance started: applied like a local one, but not told back to the listener. */
  applyRemoteCooldown(id: string, until: number, reason: CooldownReason): void {
    const s = this.state(id);
    if (until > s.cooldownUntil) {
      s.cooldownUntil = until;
      s.cooldownReason = reason;
      s.failureTimes.length = 0;
    }
  }

  /** Alone, this instance probes every deployment itself. */
  claimProbe(_id: string, _ms: number): Promise<boolean> {
    return Promise.resolve(true);
  }

  /** A reset another instance made: applied like a local one, but not told back to the listener. */
  applyRemoteReset(id: string): void {
    const s = this.states.get(id);
    if (!s) return;
    s.cooldownUntil = 0;
    s.cooldownReason = null;
    s.failureTimes.length = 0;
  }

  /** Back into rotation at once: no cooldown, no failure count, no memory of unsupported capabilities. */
  reset(id: string): void {
    const s = this.states.get(id);
    if (!s) return;
    if (s.cooldownUntil > 0) this.cooldownListener?.(id, 0, null);
    s.cooldownUntil = 0;
    s.cooldownReason = null;
    s.failureTimes.length = 0;
    s.unsupported = null;
    s.upstream = null;
  }

  /** Epoch ms until which the deployment is cooling down, or null when it is in rotation. */
  cooldownUntil(id: string, nowMs: number): number | null {
    const s = this.states.get(id);
    return s && s.cooldownUntil > nowMs ? s.cooldownUntil : null;
  }

  /**
   * When the upstream's own headers say it has no requests (or tokens) left, the epoch ms at which they
   * reset; null when we may send. Only headers younger than their reset time count.
   */
  upstreamBlockedUntil(id: string, nowMs: number): number | null {
    const u = this.states.get(id)?.upstream;
    if (!u) return null;
    let until: number | null = null;
    if (u.remainingRequests !== null && nowMs < u.requestsResetAt && u.remainingRequests - u.sentSince <= 0) {
      until = u.requestsResetAt;
    }
    if (u.remainingTokens !== null && nowMs < u.tokensResetAt && u.remainingTokens <= 0) {
      until = Math.max(until ?? 0, u.tokensResetAt);
    }
    return until;
  }

  /**
   * Fraction of the upstream's own limit still available (min of requests and tokens), from fresh headers;
   * null when unknown. The denominator is the reported limit, else our configured rpm/tpm limit.
   */
  upstreamHeadroom(
    id: string,
    nowMs: number,
    rpmLimit: number | null,
    tpmLimit: number | null,
  ): number | null {
    const u = this.states.get(id)?.upstream;
    if (!u) return null;
    let headroom: number | null = null;
    const requestLimit = u.limitRequests ?? rpmLimit;
    if (
      u.remainingRequests !== null &&
      nowMs < u.requestsResetAt &&
      requestLimit !== null &&
      requestLimit > 0
    ) {
      headroom = clamp01((u.remainingRequests - u.sentSince) / requestLimit);
    }
    const tokenLimit = u.limitTokens ?? tpmLimit;
    if (u.remainingTokens !== null && nowMs < u.tokensResetAt && tokenLimit !== null && tokenLimit > 0) {
      const tokens = clamp01(u.remainingTokens / tokenLimit);
      headroom = headroom === null ? tokens : Math.min(headroom, tokens);
    }
    return headroom;
  }

  delete(id: string): void {
    this.states.delete(id);
  }

  protected state(id: string): DeploymentLiveState {
    let s = this.states.get(id);
    if (!s) {
      s = {
        inFlight: 0,
        latencyMs: null,
        ttftMs: null,
        sampledAt: 0,
        failureTimes: [],
        cooldownUntil: 0,
        cooldownReason: null,
        lastError: null,
        lastErrorAt: 0,
        lastSuccessAt: 0,
        upstream: null,
        unsupported: null,
        lastProbe: null,
      };
      this.states.set(id, s);
    }
    return s;
  }

  protected coolDown(
    id: string,
    s: DeploymentLiveState,
    reason: CooldownReason,
    until: number,
  ): CooldownReason {
    // Never shorten a longer cooldown that is already running.
    if (until > s.cooldownUntil) {
      s.cooldownUntil = until;
      s.cooldownReason = reason;
      this.cooldownListener?.(id, until, reason);
    }
    // A deployment back from cooldown starts with a clean failure count.
    s.failureTimes.length = 0;
    return reason;
  }

  private recordRateLimit(s: DeploymentLiveState, info: RateLimitInfo, nowMs: number): void {
    const resetRequests = finiteOrNull(info.resetRequestsMs);
    const resetTokens = finiteOrNull(info.resetTokensMs);
    s.upstream = {
      remainingRequests: finiteOrNull(info.remainingRequests),
      remainingTokens: finiteOrNull(info.remainingTokens),
      limitRequests: finiteOrNull(info.limitRequests),
      limitTokens: finiteOrNull(info.limitTokens),
      // Without a reset header, trust the numbers for one window.
      requestsResetAt: nowMs + (resetRequests ?? USAGE_WINDOW_MS),
      tokensResetAt: nowMs + (resetTokens ?? USAGE_WINDOW_MS),
      sentSince: 0,
      reportedAt: nowMs,
    };
  }
}

const capMsOf = (policy: CooldownPolicy): number =>
  (policy.maxCooldownSeconds ?? DEFAULT_MAX_COOLDOWN_SECONDS) * 1000;

/** How long `failures` and `auth` cooldowns last under the group's policy (capped). */
export const cooldownMsOf = (policy: CooldownPolicy): number =>
  Math.min(policy.cooldownSeconds * 1000, capMsOf(policy));

function clamp01(n: number): number {
  return n < 0 ? 0 : n > 1 ? 1 : n;
}
