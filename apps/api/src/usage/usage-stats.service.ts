import type { ProjectScope } from '../auth/caller';
import { Injectable } from '@nestjs/common';
import type { Distribution, DistributionQuery } from '@switchboard/contracts';
import { AdminError } from '../common/errors';
import {
  addHistogram,
  addSketch,
  emptyHistogram,
  emptySketch,
  estimateQuantile,
  estimateSketchQuantile,
} from './latency-histogram';
import { RefusalRepository } from './refusal.repository';
import type { RollupTable } from './rollup-sql';
import {
  type RollupRange,
  type RollupSum,
  type StatsGroupBy,
  type StatsInterval,
  UsageStatsRepository,
} from './usage-stats.repository';
import type {
  AttemptStats,
  AttemptStatsQuery,
  DeploymentAttempts,
  EndUserList,
  EndUserQuery,
  StatsFilter,
  UsageSummary,
  UsageSummaryQuery,
} from '@switchboard/contracts';
import { type AttemptCountRow, AttemptStatsRepository } from './attempt-stats.repository';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const INTERVAL_MS: Readonly<Record<StatsInterval, number>> = {
  minute: MINUTE_MS,
  hour: HOUR_MS,
  day: DAY_MS,
};

/** Most buckets one distribution answers (e.g. 50 hours by minute, 125 days by hour). */
export const MAX_BUCKETS = 3000;

const floorTo = (ms: number, step: number): number => Math.floor(ms / step) * step;
const ceilTo = (ms: number, step: number): number => Math.ceil(ms / step) * step;

/** [from, to) widened to whole minutes, the rollups' resolution: a minute counts when it starts before `to`. */
export function minuteSpan(from: Date, to: Date): { start: number; end: number } {
  return { start: floorTo(from.getTime(), MINUTE_MS), end: ceilTo(to.getTime(), MINUTE_MS) };
}

/** The rollup tables from coarsest to finest, with the bucket width of each. */
const LEVELS: readonly { table: RollupTable; step: number }[] = [
  { table: 'UsageRollupDay', step: DAY_MS },
  { table: 'UsageRollupHour', step: HOUR_MS },
  { table: 'UsageRollup', step: MINUTE_MS },
];

/** Covers [start, end) with the coarsest whole buckets and the ragged edges with finer ones. */
function cover(
  start: number,
  end: number,
  levels: readonly { table: RollupTable; step: number }[],
): RollupRange[] {
  if (end <= start) return [];
  const [level, ...finer] = levels;
  const inner = { from: ceilTo(start, level.step), to: floorTo(end, level.step) };
  if (finer.length === 0) return [{ table: level.table, from: new Date(start), to: new Date(end) }];
  if (inner.to <= inner.from) return cover(start, end, finer);
  return [
    { table: level.table, from: new Date(inner.from), to: new Date(inner.to) },
    ...cover(start, inner.from, finer),
    ...cover(inner.to, end, finer),
  ];
}

/**
 * Which rollup rows cover [from, to): whole days from the daily table, whole hours around them from the
 * hourly one and the ragged edges from the minute one, so a month reads about one row per group and day.
 * A bucket size finer than a table's rules that table out (minute buckets read only the minute table).
 */
export function planRanges(from: Date, to: Date, interval: StatsInterval | null): RollupRange[] {
  const { start, end } = minuteSpan(from, to);
  const usable = interval === null ? LEVELS : LEVELS.filter((l) => l.step <= INTERVAL_MS[interval]);
  return cover(start, end, usable);
}

interface Totals {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  hist: number[];
  sketch: number[];
}

const emptyTotals = (): Totals => ({
  requests: 0,
  errors: 0,
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  hist: emptyHistogram(),
  sketch: emptySketch(),
});

function add(into: Totals, row: RollupSum): void {
  into.requests += row.requests;
  into.errors += row.errors;
  into.promptTokens += row.promptTokens;
  into.completionTokens += row.completionTokens;
  into.totalTokens += row.totalTokens;
  into.costUsd += row.costUsd;
  addHistogram(into.hist, row.latencyHist);
  addSketch(into.sketch, row.latencySketch);
}

const total = (counts: readonly number[]): number => counts.reduce((n, c) => n + c, 0);

/**
 * Latency percentiles: from the fine histogram (within 5 %) when every request counted has it; a range
 * that reaches back before it existed falls back to the coarse one.
 */
function percentile(t: Totals, q: number): number | null {
  return total(t.sketch) === total(t.hist)
    ? estimateSketchQuantile(t.sketch, q)
    : estimateQuantile(t.hist, q);
}

function values(t: Totals) {
  return {
    requests: t.requests,
    errors: t.errors,
    promptTokens: t.promptTokens,
    completionTokens: t.completionTokens,
    totalTokens: t.totalTokens,
    // Sums of many float costs carry binary noise; a micro-dollar is finer than any price.
    costUsd: Math.round(t.costUsd * 1e6) / 1e6,
    latencyP50Ms: percentile(t, 0.5),
    latencyP95Ms: percentile(t, 0.95),
  };
}

const NONE_LABEL: Readonly<Record<StatsGroupBy, string>> = {
  deployment: '(no deployment)',
  project: '(no project)',
  key: '(no key)',
  modelGroup: '(none)',
};

/** The buckets of `interval` over [from, to); 400 when there are more than MAX_BUCKETS. */
function checkBuckets(from: Date, to: Date, interval: StatsInterval) {
  const step = INTERVAL_MS[interval];
  const { start, end } = minuteSpan(from, to);
  const first = floorTo(start, step);
  const bucketCount = Math.ceil((end - first) / step);
  if (bucketCount > MAX_BUCKETS) {
    throw new AdminError(
      400,
      'too_many_buckets',
      `That range has ${bucketCount} ${interval} buckets; the most is ${MAX_BUCKETS}. Choose a coarser interval.`,
    );
  }
  return { step, first, end };
}

/** Attempts cut short by the client: counted, but not the deployment's failure. */
const CLIENT_CLOSED = 'client_closed';

/** Per deployment: attempts, failures by kind and a series, from the attempt rollup rows (sorted by id). */
function attemptsByDeployment(rows: readonly AttemptCountRow[]): DeploymentAttempts[] {
  type Acc = DeploymentAttempts & { latencySum: number; okAttempts: number };
  const out: Acc[] = [];
  let current: Acc | null = null;
  for (const r of rows) {
    if (current === null || current.deploymentId !== r.deploymentId) {
      current = {
        deploymentId: r.deploymentId,
        label: r.name ?? r.deploymentId,
        attempts: 0,
        failed: 0,
        errorRate: null,
        failuresByKind: {},
        clientClosed: 0,
        avgLatencyMs: null,
        buckets: [],
        latencySum: 0,
        okAttempts: 0,
      };
      out.push(current);
    }
    if (r.name) current.label = r.name;
    const bucket = r.bucket.toISOString();
    let b = current.buckets[current.buckets.length - 1];
    if (b?.bucket !== bucket) current.buckets.push((b = { bucket, attempts: 0, failed: 0 }));
    current.attempts += r.attempts;
    b.attempts += r.attempts;
    if (r.outcome === 'ok') {
      current.okAttempts += r.attempts;
      current.latencySum += r.latencyMsSum;
    } else if (r.outcome === CLIENT_CLOSED) {
      current.clientClosed += r.attempts;
    } else {
      current.failed += r.attempts;
      b.failed += r.attempts;
      current.failuresByKind[r.outcome] = (current.failuresByKind[r.outcome] ?? 0) + r.attempts;
    }
  }
  return out.map(({ latencySum, okAttempts, ...d }): DeploymentAttempts => {
    const judged = d.attempts - d.clientClosed;
    return {
      ...d,
      errorRate: judged > 0 ? d.failed / judged : null,
      avgLatencyMs: okAttempts > 0 ? Math.round(latencySum / okAttempts) : null,
    };
  });
}

/** The filters given (absent ones left out). */
function statsFilter(query: StatsFilter): StatsFilter {
  const filter: StatsFilter = {};
  if (query.modelGroup !== undefined) filter.modelGroup = query.modelGroup;
  if (query.projectId !== undefined) filter.projectId = query.projectId;
  if (query.keyId !== undefined) filter.keyId = query.keyId;
  return filter;
}

function parseRange(fromIso: string, toIso: string): { from: Date; to: Date } {
  const from = new Date(fromIso);
  const to = new Date(toIso);
  if (!(from < to)) throw new AdminError(400, 'invalid_range', '`from` must be before `to`.');
  return { from, to };
}

/** Usage statistics for the console, answered from the rollups only (never from raw request logs). */
@Injectable()
export class UsageStatsService {
  constructor(
    private readonly repo: UsageStatsRepository,
    private readonly refusals: RefusalRepository,
    private readonly attempts: AttemptStatsRepository,
  ) {}

  /**
   * Every attempt per deployment (retries and fallbacks included), whatever the request's final answer:
   * how often each deployment fails, and how. Deployments are shared configuration: not narrowed to
   * projects (the route needs config:read).
   */
  async attemptStats(query: AttemptStatsQuery): Promise<AttemptStats> {
    const { from, to } = parseRange(query.from, query.to);
    checkBuckets(from, to, query.interval);
    const rows = await this.attempts.counts(from, to, query.interval);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      interval: query.interval,
      deployments: attemptsByDeployment(rows),
    };
  }

  /** From the rollups of the projects in `scope` (null: all). */
  async distribution(query: DistributionQuery, scope: ProjectScope): Promise<Distribution> {
    const { from, to } = parseRange(query.from, query.to);
    const { step, first, end } = checkBuckets(from, to, query.interval);
    const filter = statsFilter(query);
    const bucketLatency = query.bucketLatency !== false;
    // Without per-bucket latency, the series carry no histograms and each group's latency comes from one
    // more query over the coarsest rollups that cover the same minutes (days, hours, then minutes).
    const [rows, latencyRows] = await Promise.all([
      this.repo.sumRollups(
        planRanges(from, to, query.interval),
        query.groupBy,
        query.interval,
        scope,
        filter,
        bucketLatency,
      ),
      bucketLatency
        ? null
        : this.repo.sumRollups(planRanges(from, to, null), query.groupBy, null, scope, filter),
    ]);

    const groups = new Map<
      string | null,
      { totals: Totals; buckets: Map<number, Totals>; name: string | null }
    >();
    const all = emptyTotals();
    for (const row of rows) {
      let g = groups.get(row.key);
      if (!g) groups.set(row.key, (g = { totals: emptyTotals(), buckets: new Map(), name: null }));
      const at = row.bucket ? row.bucket.getTime() : first;
      let b = g.buckets.get(at);
      if (!b) g.buckets.set(at, (b = emptyTotals()));
      add(b, row);
      add(g.totals, row);
      add(all, row);
      g.name ??= row.deploymentName;
    }
    for (const row of latencyRows ?? []) {
      const g = groups.get(row.key);
      if (!g) continue;
      for (const t of [g.totals, all]) {
        addHistogram(t.hist, row.latencyHist);
        addSketch(t.sketch, row.latencySketch);
      }
    }

    const ids = [...groups.keys()].filter((k): k is string => k !== null);
    const names = await this.repo.labels(query.groupBy, ids);
    const label = (key: string | null, fallbackName: string | null): string => {
      if (key === null) return NONE_LABEL[query.groupBy];
      if (query.groupBy === 'modelGroup') return key;
      return names.get(key) ?? fallbackName ?? `deleted ${query.groupBy} ${key.slice(0, 8)}`;
    };

    const bucketStarts: number[] = [];
    for (let t = first; t < end; t += step) bucketStarts.push(t);
    const result = [...groups.entries()].map(([key, g]) => ({
      key,
      label: label(key, query.groupBy === 'deployment' ? g.name : null),
      totals: { ...values(g.totals), share: all.requests > 0 ? g.totals.requests / all.requests : 0 },
      // Every bucket of the range, zeros included, so charts need no gap filling.
      buckets: bucketStarts.map((t) => ({
        bucket: new Date(t).toISOString(),
        ...values(g.buckets.get(t) ?? emptyTotals()),
      })),
    }));
    result.sort((a, b) => b.totals.requests - a.totals.requests || a.label.localeCompare(b.label));

    return {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy: query.groupBy,
      interval: query.interval,
      totals: values(all),
      groups: result,
    };
  }

  /**
   * Headline numbers of the projects in `scope` (null: all). Refusals belong to no project, key or model
   * group (no key was recognised), so a project member's summary and a filtered one have none.
   */
  async summary(query: UsageSummaryQuery, scope: ProjectScope): Promise<UsageSummary> {
    const { from, to } = parseRange(query.from, query.to);
    const filter = statsFilter(query);
    const unfiltered = scope === null && Object.keys(filter).length === 0;
    const [rows, refusedByReason] = await Promise.all([
      this.repo.sumRollups(planRanges(from, to, null), null, null, scope, filter),
      unfiltered ? this.refusals.sumByReason(from, to) : Promise.resolve([]),
    ]);
    const all = emptyTotals();
    for (const row of rows) add(all, row);
    const { start, end } = minuteSpan(from, to);
    const v = values(all);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      ...v,
      errorRate: all.requests > 0 ? all.errors / all.requests : 0,
      requestsPerMinute: all.requests / Math.max(1, (end - start) / MINUTE_MS),
      refused: refusedByReason.reduce((n, r) => n + r.count, 0),
      refusedByReason,
    };
  }

  /**
   * The top end users (the `user` field) of the projects in `scope`, by requests or spend. End users are
   * counted per hour, so the range is widened to whole hours and the answer says which range it counted.
   */
  async endUsers(query: EndUserQuery, scope: ProjectScope): Promise<EndUserList> {
    const { from, to } = parseRange(query.from, query.to);
    const start = new Date(floorTo(from.getTime(), HOUR_MS));
    const end = new Date(ceilTo(to.getTime(), HOUR_MS));
    const { totals, endUsers } = await this.repo.topEndUsers(
      start,
      end,
      query.sort,
      query.limit,
      scope,
      statsFilter(query),
    );
    const names = await this.repo.labels('key', [...new Set(endUsers.flatMap((u) => u.keyIds))]);
    const usd = (n: number): number => Math.round(n * 1e6) / 1e6;
    return {
      from: start.toISOString(),
      to: end.toISOString(),
      sort: query.sort,
      endUserCount: totals.endUserCount,
      requests: totals.requests,
      costUsd: usd(totals.costUsd),
      endUsers: endUsers.map((u) => ({
        endUser: u.endUser,
        requests: u.requests,
        errors: u.errors,
        totalTokens: u.totalTokens,
        costUsd: usd(u.costUsd),
        share: totals.requests > 0 ? u.requests / totals.requests : 0,
        keyCount: u.keyCount,
        keys: u.keyIds.map((id) => ({ id, label: names.get(id) ?? `deleted key ${id.slice(0, 8)}` })),
      })),
    };
  }
}
