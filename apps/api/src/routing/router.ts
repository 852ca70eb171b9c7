import { setTimeout as delay } from 'node:timers/promises';
import { type Capability, expectedSplit } from '@switchboard/contracts';
import {
  type DeploymentStateStore,
  InMemoryDeploymentState,
  isAuthError,
  isDeploymentFault,
  isProviderRefusal,
  isRateLimitError,
  isUnsupportedRoute,
} from './deployment-state';
import type { GroupEntry, RegistryIndex, RouterRegistry } from './router-registry';
import type {
  AttemptContext,
  AttemptError,
  AttemptRecord,
  AttemptResult,
  CooldownReason,
  DeploymentHealth,
  ExecuteOptions,
  ExecuteOutcome,
  ExpectedShare,
  FailureReason,
  PickOptions,
  ProbeResult,
  RandomSource,
  RoutedDeployment,
  Sleep,
} from './routing.types';
import { STRATEGIES } from './strategies';
import { type Clock, systemClock } from '../common/clock';
import {
  InMemoryUsageCounters,
  rpmFull,
  tpmFull,
  type UsageCounters,
  type UsageWindow,
  windowResetAt,
} from './usage-counters';

export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

/** Default cap on Retry-After waits, per wait and in total per request. */
export const DEFAULT_MAX_RETRY_WAIT_MS = 5_000;

export interface RouterOptions {
  registry: RouterRegistry;
  clock?: Clock;
  random?: RandomSource;
  sleep?: Sleep;
  state?: DeploymentStateStore;
  counters?: UsageCounters;
  /** Longest Retry-After the router sleeps through instead of failing; also the total per request. */
  maxRetryWaitMs?: number;
}

export type AttemptFn<T> = (deployment: RoutedDeployment, ctx: AttemptContext) => Promise<AttemptResult<T>>;

export type FailedOutcome = Extract<ExecuteOutcome<unknown>, { ok: false }>;

/**
 * A request's first deployment, claimed on the shared counters while its key admission is still on its way
 * (both leave in one Redis round trip). Hand it to `execute` as `prepared`, or `cancel` it when the key
 * refuses the request.
 */
export interface PreparedClaim {
  readonly entry: GroupEntry;
  readonly index: RegistryIndex;
  /** The claim, for its first attempt (after which `cancel` does nothing). */
  take(): Promise<{ deployment: RoutedDeployment | null; full: readonly string[] }>;
  /** Gives the reservation back, unless it was taken. */
  cancel(): void;
}

/** Why a deployment cannot take a request right now. */
type Block =
  | { kind: 'cooldown'; reason: CooldownReason; until: number; lastError: string | null }
  | { kind: 'rpm' | 'tpm'; used: number; limit: number; until: number }
  | { kind: 'upstream'; until: number };

/** Progress through one model group (the requested one or a fallback) within one request. */
interface GroupRun {
  entry: GroupEntry;
  isFallback: boolean;
  attemptsLeft: number;
  /** Deployment ids attempted in this group, in order. */
  tried: string[];
}

// Scalar arguments: these run for every candidate of every pick, without allocating.
const rpmExhausted = (d: RoutedDeployment, used: UsageWindow): boolean => rpmFull(d.rpmLimit, used);
const tpmExhausted = (d: RoutedDeployment, used: UsageWindow, estimatedTokens: number): boolean =>
  tpmFull(d.tpmLimit, used, estimatedTokens);

// Blocks that lift by themselves soon and mean "busy", not "broken": worth a short wait, and a 429 to the client.
const isThrottle = (b: Block): boolean => b.kind !== 'cooldown' || b.reason === 'rate_limited';

const COOLDOWN_WHY: Readonly<Record<CooldownReason, string>> = {
  rate_limited: 'rate limited',
  failures: 'upstream failures',
  auth: 'credentials rejected',
};

const NO_FAILURES: ReadonlyMap<string, AttemptError> = new Map();
const NO_NAMES: readonly string[] = [];

const iso = (ms: number): string => new Date(ms).toISOString();
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Picks deployments for a model group and runs attempts with retries, cooldowns and fallbacks. Everything is
 * in memory and synchronous except the attempt itself (and an optional short Retry-After sleep).
 *
 * Rules of `execute`:
 * - each group (requested, then fallbacks breadth-first, each once) gets `1 + numRetries` attempts, each on an
 *   untried available deployment; a tried one is reused only when no untried one is available and it is
 *   not cooling down;
 * - `committed` failures stop at once; non-retryable failures stop too unless they blame the deployment
 *   (auth, or `cooldown: true` such as an unknown upstream model): that deployment cools down and the next
 *   one is tried, since the request itself is fine;
 * - when nothing is left anywhere and a throttled deployment (429 cooldown, rpm/tpm window, upstream quota)
 *   is back within `maxRetryWaitMs` (and before the deadline), sleep and go again; waits share that budget;
 * - the final failure says, per deployment, why it could not serve the request.
 */
export class Router {
  private readonly registry: RouterRegistry;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly sleep: Sleep;
  private readonly state: DeploymentStateStore;
  private readonly counters: UsageCounters;
  private readonly maxRetryWaitMs: number;
  /** Round-robin cursors: group name -> last picked deployment id. */
  private readonly cursors = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(options: RouterOptions) {
    this.registry = options.registry;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? realSleep;
    this.state = options.state ?? new InMemoryDeploymentState();
    this.counters = options.counters ?? new InMemoryUsageCounters();
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
    this.unsubscribe = this.registry.onReplace((next, removed) => this.prune(next, removed));
  }

  /** Stops listening to the registry (tests, hot reload). */
  dispose(): void {
    this.unsubscribe();
  }

  /**
   * Shared counters only (null otherwise): claims the first deployment for a request now, so that its
   * reservation travels with the key's admission sent in the same tick. See `PreparedClaim`.
   */
  prepare(modelGroup: string, opts: PickOptions): PreparedClaim | null {
    if (!this.counters.reserve) return null;
    const index = this.registry.current();
    const entry = index.groups.get(modelGroup);
    if (!entry) return null;
    const now = this.clock.now();
    const full: string[] = [];
    const claimed = this.claimShared(
      entry,
      NO_NAMES,
      full,
      opts.estimatedTokens,
      opts.stream ?? false,
      now,
      opts.capability,
    ).then((deployment) => ({ deployment, full }));
    let settled = false;
    return {
      entry,
      index,
      take: () => {
        settled = true;
        return claimed;
      },
      cancel: () => {
        if (settled) return;
        settled = true;
        void claimed.then(({ deployment: d }) => {
          if (d) this.counters.unreserve?.(d.id, { rpm: d.rpmLimit, tpm: d.tpmLimit }, now);
        });
      },
    };
  }

  /** One selection under the group's strategy among available deployments; null when none is available. */
  pick(modelGroup: string, opts: PickOptions): RoutedDeployment | null {
    const entry = this.registry.getGroup(modelGroup);
    if (!entry) return null;
    return this.pickIn(
      entry,
      opts.exclude ?? [],
      opts.estimatedTokens,
      opts.stream ?? false,
      this.clock.now(),
      opts.capability,
    );
  }

  async execute<T>(
    modelGroup: string,
    opts: ExecuteOptions,
    attempt: AttemptFn<T>,
    /** The first deployment, claimed by `prepare` alongside the key's admission. */
    prepared: PreparedClaim | null = null,
  ): Promise<ExecuteOutcome<T>> {
    // Pin the registry generation: a swap mid-request must not change the deployments we retry over.
    const index = this.registry.current();
    const attempts: AttemptRecord[] = [];
    const primary = index.groups.get(modelGroup);
    try {
      if (!primary) {
        const message = `The model '${modelGroup}' does not exist`;
        return failure('model_not_found', message, { attempts });
      }
      // A claim made before the registry changed is not used.
      const usable = prepared && prepared.index === index && prepared.entry === primary ? prepared : null;
      return await this.run(index, primary, opts, attempt, attempts, usable);
    } finally {
      // Not taken (registry swapped, the client left first...): its reservation goes back.
      prepared?.cancel();
    }
  }

  private async run<T>(
    index: RegistryIndex,
    primary: GroupEntry,
    opts: ExecuteOptions,
    attempt: AttemptFn<T>,
    attempts: AttemptRecord[],
    prepared: PreparedClaim | null,
  ): Promise<ExecuteOutcome<T>> {
    const { runs, missing } = fallbackChain(index, primary);
    // Created on the first failure: most requests succeed at the first attempt.
    let failures: Map<string, AttemptError> | null = null;
    const est = opts.estimatedTokens;
    const stream = opts.stream ?? false;
    const capability = opts.capability;
    let lastError: AttemptError | null = null;
    let attemptNo = 0;
    let waitBudget = this.maxRetryWaitMs;
    // Deployments the shared counters found full since the last wait: not offered again until then.
    const full: string[] = [];

    for (;;) {
      full.length = 0;
      for (const run of runs) {
        while (run.attemptsLeft > 0) {
          if (opts.signal?.aborted) return clientGone(attempts, lastError);
          const now = this.clock.now();
          if (opts.deadlineAt !== undefined && now >= opts.deadlineAt) {
            const message = `The request deadline passed after ${plural(attemptNo, 'attempt')}`;
            return failure('deadline_exceeded', message, { attempts, lastError });
          }
          let d: RoutedDeployment | null;
          if (prepared !== null && run.entry === prepared.entry) {
            const claim = await prepared.take();
            prepared = null;
            full.push(...claim.full);
            d = claim.deployment;
          } else if (this.counters.reserve) {
            d = await this.claimShared(run.entry, run.tried, full, est, stream, now, capability);
          } else {
            d = this.pickUntriedFirst(run.entry, run.tried, NO_NAMES, est, stream, now, capability);
          }
          if (!d) break;

          run.attemptsLeft -= 1;
          attemptNo += 1;
          if (!run.tried.includes(d.id)) run.tried.push(d.id);
          const ctx: AttemptContext = {
            attempt: attemptNo,
            modelGroup: run.entry.policy.name,
            isFallback: run.isFallback,
            estimatedTokens: est,
            signal: opts.signal,
          };
          const result = await this.runAttempt(d, run, ctx, attempt, attempts, capability);
          if (result.ok) return { ok: true, value: result.value, deployment: d, attempts };
          if (opts.signal?.aborted) return clientGone(attempts, lastError);

          lastError = result.error;
          (failures ??= new Map()).set(d.id, result.error);
          if (result.committed) return this.stopped(result.error, d, run.entry, attempts, true);
          // A deployment fault (bad key, unknown model) is cooling down now: the next deployment may work.
          if (!result.error.retryable && !isDeploymentFault(result.error)) {
            return this.stopped(result.error, d, run.entry, attempts, false);
          }
        }
      }

      // Nothing left to try right now. If capacity comes back soon, waiting beats failing.
      if (opts.signal?.aborted) return clientGone(attempts, lastError);
      const now = this.clock.now();
      const wait = this.shortestThrottleWait(runs, est, now);
      const withinDeadline = opts.deadlineAt === undefined || (wait !== null && now + wait < opts.deadlineAt);
      if (wait !== null && wait <= waitBudget && withinDeadline) {
        waitBudget -= wait;
        try {
          await this.sleep(wait, opts.signal);
        } catch (error) {
          if (opts.signal?.aborted) return clientGone(attempts, lastError);
          throw error;
        }
        continue;
      }
      return this.exhausted(
        runs,
        missing,
        failures ?? NO_FAILURES,
        lastError,
        attempts,
        est,
        now,
        capability,
      );
    }
  }

  /**
   * Puts a deployment back into rotation at once (edited, re-enabled, or "put back into rotation" in the
   * console): clears its cooldown, failure count and what it was found not to serve.
   */
  clearCooldown(id: string): void {
    this.state.reset(id);
  }

  /** The result of a connection test or health probe (see `DeploymentStateStore.recordProbe`). */
  recordProbe(id: string, error: AttemptError | null, result?: Omit<ProbeResult, 'at'>): void {
    const d = this.registry.getDeployment(id);
    const group = d && this.registry.getGroup(d.modelGroup);
    const now = this.clock.now();
    if (group)
      this.state.recordProbe(id, error, now, group.policy, result ? { ...result, at: now } : undefined);
  }

  /** Live state of one deployment for the admin API; null when the id is unknown. */
  deploymentState(id: string): DeploymentHealth | null {
    if (!this.registry.getDeployment(id)) return null;
    const now = this.clock.now();
    const s = this.state.peek(id);
    const until = this.state.cooldownUntil(id, now);
    const round = (n: number | null | undefined): number | null =>
      n === null || n === undefined ? null : Math.round(n);
    // Shared state: every instance's numbers together, the same whichever instance answers.
    const shared = this.state.shared(id, now);
    const used = shared ?? this.counters.get(id, now);
    return {
      healthy: until === null,
      cooldownUntil: until,
      cooldownReason: until !== null ? (s?.cooldownReason ?? null) : null,
      lastError: shared ? shared.lastError : (s?.lastError ?? null),
      inFlight: shared ? shared.inFlight : (s?.inFlight ?? 0),
      rpmUsed: used.rpm,
      tpmUsed: used.tpm,
      latencyMs: round(shared ? shared.latencyMs : s?.latencyMs),
      ttftMs: round(shared ? shared.ttftMs : s?.ttftMs),
      lastErrorAt: (shared ? shared.lastErrorAt : s?.lastErrorAt) || null,
      lastSuccessAt: (shared ? shared.lastSuccessAt : s?.lastSuccessAt) || null,
      lastProbe: (shared ? shared.lastProbe : s?.lastProbe) ?? null,
    };
  }

  /** Share of traffic each enabled deployment should get under the group's policy (console preview). */
  expectedSplit(groupName: string): ExpectedShare[] {
    const group = this.registry.getGroup(groupName);
    if (!group) return [];
    const members = group.deployments.map((d) => ({
      id: d.id,
      weight: d.weight,
      priority: d.priority,
      rpmLimit: d.rpmLimit,
      tpmLimit: d.tpmLimit,
      latencyMs: this.state.peek(d.id)?.latencyMs ?? null,
    }));
    return expectedSplit(group.policy.strategy, members);
  }

  /** Untried deployments first; a tried one again only if it is still in rotation. */
  private pickUntriedFirst(
    entry: GroupEntry,
    tried: readonly string[],
    full: readonly string[],
    estimatedTokens: number,
    stream: boolean,
    nowMs: number,
    capability: Capability | undefined,
  ): RoutedDeployment | null {
    const exclude = tried.length === 0 ? full : full.length === 0 ? tried : [...tried, ...full];
    return (
      this.pickIn(entry, exclude, estimatedTokens, stream, nowMs, capability) ??
      (tried.length > 0 ? this.pickIn(entry, full, estimatedTokens, stream, nowMs, capability) : null)
    );
  }

  /**
   * Shared counters: the pick is checked and counted on the count every instance shares (one atomic script
   * per attempt); a deployment full there is noted in `full` (not an attempt) and the next one is tried.
   * Round-robin groups pick in Redis, on one cursor for every instance.
   */
  private async claimShared(
    entry: GroupEntry,
    tried: readonly string[],
    full: string[],
    estimatedTokens: number,
    stream: boolean,
    nowMs: number,
    capability: Capability | undefined,
  ): Promise<RoutedDeployment | null> {
    for (;;) {
      if (entry.policy.strategy === 'round-robin' && this.counters.claimNext) {
        let candidates = this.candidates(entry, [...tried, ...full], estimatedTokens, nowMs, capability);
        if (candidates.length === 0 && tried.length > 0)
          candidates = this.candidates(entry, full, estimatedTokens, nowMs, capability);
        if (candidates.length === 0) return null;
        const chosen = await this.counters.claimNext(entry.policy.name, candidates, estimatedTokens, nowMs);
        if (chosen) return chosen;
        if (chosen === null) {
          for (const d of candidates) full.push(d.id);
          continue;
        }
        // undefined: the shared cursor is away; rotate here and reserve below.
      }
      const d = this.pickUntriedFirst(entry, tried, full, estimatedTokens, stream, nowMs, capability);
      if (!d) return null;
      // Deleted since the request began: not counted anywhere any more.
      if (this.registry.getDeployment(d.id) === undefined) return d;
      const limits = { rpm: d.rpmLimit, tpm: d.tpmLimit };
      if (await this.counters.reserve!(d.id, limits, estimatedTokens, nowMs)) return d;
      full.push(d.id);
    }
  }

  /** Available deployments of the group that serve the capability, outside `exclude`, sorted by id. */
  private candidates(
    entry: GroupEntry,
    exclude: readonly string[],
    estimatedTokens: number,
    nowMs: number,
    capability: Capability | undefined,
  ): RoutedDeployment[] {
    const candidates: RoutedDeployment[] = [];
    for (const d of entry.deployments) {
      if (exclude.includes(d.id) || !this.isAvailable(d, estimatedTokens, nowMs)) continue;
      if (capability !== undefined && !this.serves(d, capability, nowMs)) continue;
      candidates.push(d);
    }
    return candidates;
  }

  private pickIn(
    entry: GroupEntry,
    exclude: readonly string[],
    estimatedTokens: number,
    stream: boolean,
    nowMs: number,
    capability: Capability | undefined,
  ): RoutedDeployment | null {
    const candidates = this.candidates(entry, exclude, estimatedTokens, nowMs, capability);
    if (candidates.length === 0) return null;
    return STRATEGIES[entry.policy.strategy].pick(candidates, {
      group: entry,
      nowMs,
      random: this.random,
      stream,
      state: this.state,
      counters: this.counters,
      cursors: this.cursors,
    });
  }

  /** Declared to serve the capability, and not found to answer 404/405 for it lately. */
  private serves(d: RoutedDeployment, capability: Capability, nowMs: number): boolean {
    return d.capabilities.includes(capability) && !this.state.isUnsupported(d.id, capability, nowMs);
  }

  /** In rotation for this request: nothing blocks it. */
  private isAvailable(d: RoutedDeployment, estimatedTokens: number, nowMs: number): boolean {
    return this.blockKind(d, estimatedTokens, nowMs) === null;
  }

  /** The rules, in the order they are reported: what keeps the deployment out now (no allocation). */
  private blockKind(d: RoutedDeployment, estimatedTokens: number, nowMs: number): Block['kind'] | null {
    if (this.state.cooldownUntil(d.id, nowMs) !== null) return 'cooldown';
    if (this.state.upstreamBlockedUntil(d.id, nowMs) !== null) return 'upstream';
    if (d.rpmLimit === null && d.tpmLimit === null) return null;
    const used = this.counters.get(d.id, nowMs);
    if (rpmExhausted(d, used)) return 'rpm';
    if (tpmExhausted(d, used, estimatedTokens)) return 'tpm';
    return null;
  }

  /** `blockKind` with its details, for waits and error messages. */
  private blockOf(d: RoutedDeployment, estimatedTokens: number, nowMs: number): Block | null {
    const kind = this.blockKind(d, estimatedTokens, nowMs);
    switch (kind) {
      case null:
        return null;
      case 'cooldown': {
        const s = this.state.peek(d.id);
        return {
          kind,
          reason: s?.cooldownReason ?? 'failures',
          until: this.state.cooldownUntil(d.id, nowMs)!,
          lastError: s?.lastError ?? null,
        };
      }
      case 'upstream':
        return { kind, until: this.state.upstreamBlockedUntil(d.id, nowMs)! };
      case 'rpm':
        return {
          kind,
          used: this.counters.get(d.id, nowMs).rpm,
          limit: d.rpmLimit!,
          until: windowResetAt(nowMs),
        };
      case 'tpm':
        return {
          kind,
          used: this.counters.get(d.id, nowMs).tpm,
          limit: d.tpmLimit!,
          until: windowResetAt(nowMs),
        };
    }
  }

  private async runAttempt<T>(
    d: RoutedDeployment,
    run: GroupRun,
    ctx: AttemptContext,
    attempt: AttemptFn<T>,
    records: AttemptRecord[],
    capability: Capability | undefined,
  ): Promise<AttemptResult<T>> {
    const startedAt = this.clock.now();
    // A retry may still use a deployment deleted since the request began: don't recreate its dropped state.
    const tracked = this.registry.getDeployment(d.id) !== undefined;
    if (tracked) {
      this.state.acquire(d.id);
      // Shared counters counted the request when they reserved it.
      if (!this.counters.reserve) this.counters.hit(d.id, startedAt);
    }
    let result: AttemptResult<T>;
    try {
      result = await attempt(d, ctx);
    } finally {
      if (tracked) this.state.release(d.id);
    }
    const finishedAt = this.clock.now();
    const live = this.registry.getDeployment(d.id) !== undefined;
    const group = run.entry.policy.name;

    if (result.ok) {
      records.push(attemptRecord(d, group, startedAt, 200, null, result.latencyMs));
      if (live) {
        this.state.recordSuccess(
          d.id,
          { latencyMs: result.latencyMs, ttftMs: result.ttftMs, rateLimit: result.rateLimit },
          finishedAt,
        );
        // Upstreams that report no usage are charged our estimate, so tpm limits still bite.
        this.counters.addTokens(d.id, result.tokens ?? ctx.estimatedTokens, finishedAt);
      }
      return result;
    }

    // The client hanging up makes attempts fail too; that says nothing about the deployment.
    const aborted = ctx.signal?.aborted === true;
    records.push(
      attemptRecord(
        d,
        group,
        startedAt,
        aborted ? 499 : result.error.status,
        aborted ? 'client_closed' : result.error.kind,
        finishedAt - startedAt,
      ),
    );
    if (live && !aborted) {
      // A route the upstream lacks is remembered for that capability only: the deployment stays in rotation.
      if (capability !== undefined && isUnsupportedRoute(result.error))
        this.state.markUnsupported(d.id, capability, result.error, finishedAt);
      else this.state.recordFailure(d.id, result.error, finishedAt, run.entry.policy);
    }
    return result;
  }

  /** Shortest wait until a throttled (not broken) deployment of a group with attempts left is back. */
  private shortestThrottleWait(
    runs: readonly GroupRun[],
    estimatedTokens: number,
    nowMs: number,
  ): number | null {
    let soonest: number | null = null;
    for (const run of runs) {
      if (run.attemptsLeft === 0) continue;
      for (const d of run.entry.deployments) {
        const block = this.blockOf(d, estimatedTokens, nowMs);
        if (block && isThrottle(block) && (soonest === null || block.until < soonest)) soonest = block.until;
      }
    }
    return soonest === null ? null : Math.max(1, soonest - nowMs);
  }

  /** The request stops at this failure (bytes already sent, or the request itself was rejected). */
  private stopped(
    error: AttemptError,
    d: RoutedDeployment,
    entry: GroupEntry,
    attempts: AttemptRecord[],
    committed: boolean,
  ): FailedOutcome {
    const group = entry.policy.name;
    const extra = { attempts, lastError: error };
    const suffix = committed ? ' after the response had started (not retried)' : '';
    if (isAuthError(error)) return this.authFailure([d], extra);
    if (isRateLimitError(error)) {
      const message = `Deployment '${d.name}' of '${group}' is rate limited${suffix}: ${error.message}`;
      return failure('rate_limited', message, {
        ...extra,
        retryAfterMs: error.retryAfterMs,
      });
    }
    if (!committed && error.status >= 400 && error.status < 500) {
      // The request itself was rejected: pass the upstream's verdict through.
      return failure('request_rejected', error.message, extra);
    }
    const message = `Deployment '${d.name}' of '${group}' failed${suffix}: ${error.status} ${error.message}`;
    return failure('upstream_failed', message, extra);
  }

  private authFailure(
    deployments: readonly RoutedDeployment[],
    extra: { attempts: AttemptRecord[]; lastError: AttemptError },
  ): FailedOutcome {
    const now = this.clock.now();
    const names = deployments.map((d) => {
      const until = this.state.cooldownUntil(d.id, now);
      return `'${d.name}' of '${d.modelGroup}'${until !== null ? ` (cooling down until ${iso(until)})` : ''}`;
    });
    const message =
      `The upstream rejected the gateway's credentials (${extra.lastError.status}) for deployment ` +
      `${names.join(', ')}; an operator must fix its API key`;
    return failure('upstream_auth', message, extra);
  }

  /** Every group of the chain is out of attempts or deployments: explain why, deployment by deployment. */
  private exhausted(
    runs: readonly GroupRun[],
    missing: readonly string[],
    failures: ReadonlyMap<string, AttemptError>,
    lastError: AttemptError | null,
    attempts: AttemptRecord[],
    estimatedTokens: number,
    nowMs: number,
    capability: Capability | undefined,
  ): FailedOutcome {
    const unserved = this.unservedCapability(runs, failures, capability, nowMs, attempts, lastError);
    if (unserved) return unserved;
    const blocks: Block[] = [];
    const sentences = runs.map((run, i) => {
      const { entry } = run;
      const name = entry.policy.name;
      const subject = i === 0 ? `Model group '${name}'` : `Fallback '${name}'`;
      if (entry.deployments.length === 0) return `${subject} has no enabled deployments.`;
      let throttledOnly = true;
      const parts = entry.deployments.map((d) => {
        const block = this.blockOf(d, estimatedTokens, nowMs);
        const failed = failures.get(d.id);
        if (block) blocks.push(block);
        if (!block || !isThrottle(block) || failed) throttledOnly = false;
        const bits: string[] = [];
        if (failed) bits.push(`failed with ${failed.status} ${failed.kind}: ${failed.message}`);
        if (block) bits.push(describeBlock(block, estimatedTokens, !failed));
        if (bits.length === 0) bits.push('not tried (no retries left)');
        return `'${d.name}' ${bits.join(', ')}`;
      });
      const n = entry.deployments.length;
      const lead =
        i > 0
          ? `${subject} also exhausted`
          : n === 1
            ? `The only deployment of '${name}' ${throttledOnly ? 'is at its rate limit' : 'failed or is unavailable'}`
            : `All ${n} deployments of '${name}' ${throttledOnly ? 'are at their rate limits' : 'failed or are unavailable'}`;
      return `${lead}: ${parts.join('; ')}.`;
    });
    for (const m of missing) sentences.push(`Fallback '${m}' is not configured.`);
    const message = sentences.join(' ');

    const soonest = (pred: (b: Block) => boolean): number | null => {
      const untils = blocks.filter(pred).map((b) => b.until);
      return untils.length > 0 ? Math.max(1, Math.min(...untils) - nowMs) : null;
    };
    const extra = { attempts, lastError };

    if (lastError !== null && isAuthError(lastError)) {
      const authFailed = runs.flatMap((r) =>
        r.entry.deployments.filter((d) => {
          const f = failures.get(d.id);
          return f !== undefined && isAuthError(f);
        }),
      );
      const out = this.authFailure(authFailed, { attempts, lastError });
      return {
        ...out,
        message: `${out.message}. ${message}`,
        retryAfterMs: soonest((b) => b.kind === 'cooldown'),
      };
    }
    if (lastError !== null && !isRateLimitError(lastError)) {
      // Tell the client when to come back if anything is merely cooling down.
      return failure('upstream_failed', message, {
        ...extra,
        retryAfterMs: soonest((b) => b.kind === 'cooldown'),
      });
    }
    const throttleWait = soonest(isThrottle);
    if (lastError !== null || (blocks.length > 0 && blocks.every(isThrottle))) {
      const retryAfterMs = throttleWait ?? lastError?.retryAfterMs ?? null;
      const hint = retryAfterMs !== null ? ` Capacity frees up in ${Math.ceil(retryAfterMs / 1000)}s.` : '';
      return failure('rate_limited', message + hint, {
        ...extra,
        retryAfterMs,
      });
    }
    return failure('no_available_deployment', message, {
      ...extra,
      retryAfterMs: soonest(() => true),
    });
  }

  /**
   * No deployment of the chain serves the capability (declared, or found by a 404/405), or the only failures
   * were providers unable to express the request: a 4xx about the request, not an outage.
   */
  private unservedCapability(
    runs: readonly GroupRun[],
    failures: ReadonlyMap<string, AttemptError>,
    capability: Capability | undefined,
    nowMs: number,
    attempts: AttemptRecord[],
    lastError: AttemptError | null,
  ): FailedOutcome | null {
    const all = runs.flatMap((r) => r.entry.deployments);
    const name = runs[0]!.entry.policy.name;
    if (capability !== undefined && !all.some((d) => this.serves(d, capability, nowMs))) {
      const message =
        `The model '${name}' has no deployment that serves ${capability.replace('.', '/')}` +
        (failures.size > 0 ? ` (the upstreams answered 404/405 for it).` : '.');
      return failure('unsupported_endpoint', message, { attempts, lastError });
    }
    const failed = [...failures.values()];
    if (failed.length > 0 && failed.every(isProviderRefusal) && lastError !== null) {
      return failure('unsupported_request', lastError.message, {
        attempts,
        lastError,
      });
    }
    return null;
  }

  private prune(next: RegistryIndex, removedIds: readonly string[]): void {
    for (const id of removedIds) {
      this.state.delete(id);
      this.counters.forget(id);
    }
    for (const name of [...this.cursors.keys()]) if (!next.groups.has(name)) this.cursors.delete(name);
  }
}

/**
 * The requested group, then its fallbacks in order, then theirs (breadth-first: the requested group's own
 * list wins over what its fallbacks declare). Each group appears once, so cycles end.
 */
function fallbackChain(
  index: RegistryIndex,
  primary: GroupEntry,
): { runs: GroupRun[]; missing: readonly string[] } {
  const run = (entry: GroupEntry, isFallback: boolean): GroupRun => ({
    entry,
    isFallback,
    attemptsLeft: 1 + entry.policy.numRetries,
    tried: [],
  });
  // The common case, a group without fallbacks, needs no bookkeeping.
  if (primary.policy.fallbacks.length === 0) return { runs: [run(primary, false)], missing: NO_NAMES };
  const runs: GroupRun[] = [];
  const missing: string[] = [];
  const seen = new Set<string>([primary.policy.name]);
  const queue: GroupEntry[] = [primary];
  for (let i = 0; i < queue.length; i++) {
    const entry = queue[i];
    runs.push(run(entry, i > 0));
    for (const name of entry.policy.fallbacks) {
      if (seen.has(name)) continue;
      seen.add(name);
      const next = index.groups.get(name);
      if (next) queue.push(next);
      else missing.push(name);
    }
  }
  return { runs, missing };
}

// One literal per record (no spread): built on every request.
function attemptRecord(
  d: RoutedDeployment,
  modelGroup: string,
  startedAt: number,
  status: number,
  errorKind: string | null,
  latencyMs: number,
): AttemptRecord {
  return { deploymentId: d.id, deploymentName: d.name, modelGroup, status, errorKind, latencyMs, startedAt };
}

function describeBlock(block: Block, estimatedTokens: number, withLastError: boolean): string {
  switch (block.kind) {
    case 'cooldown': {
      const last = withLastError && block.lastError ? `; last error ${block.lastError}` : '';
      return `cooling down until ${iso(block.until)} (${COOLDOWN_WHY[block.reason]}${last})`;
    }
    case 'rpm':
      return `at its rpm limit (${block.used}/${block.limit}) until ${iso(block.until)}`;
    case 'tpm':
      return `at its tpm limit (${block.used}/${block.limit} used, ${estimatedTokens} more requested) until ${iso(block.until)}`;
    case 'upstream':
      return `out of upstream quota (x-ratelimit-remaining) until ${iso(block.until)}`;
  }
}

function failure(
  reason: FailureReason,
  message: string,
  extra: { attempts: AttemptRecord[]; lastError?: AttemptError | null; retryAfterMs?: number | null },
): FailedOutcome {
  return {
    ok: false,
    reason,
    message,
    attempts: extra.attempts,
    lastError: extra.lastError ?? null,
    retryAfterMs: extra.retryAfterMs ?? null,
  };
}

function clientGone(attempts: AttemptRecord[], lastError: AttemptError | null): FailedOutcome {
  return failure('client_closed', 'The client closed the request', {
    attempts,
    lastError,
  });
}
