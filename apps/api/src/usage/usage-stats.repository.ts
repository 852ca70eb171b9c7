import type { ProjectScope } from '../auth/caller';
import { Injectable } from '@nestjs/common';
import type { DistributionQuery, EndUserQuery, StatsFilter } from '@switchboard/contracts';
import { PrismaService } from '../database/prisma.service';
import {
  type EndUserRollupTable,
  NIL_UUID,
  type RollupTable,
  summedHistogramSql,
  summedSketchSql,
} from './rollup-sql';

const DAY_MS = 86_400_000;

export type StatsGroupBy = DistributionQuery['groupBy'];
export type StatsInterval = DistributionQuery['interval'];
export type EndUserSort = EndUserQuery['sort'];

/** The order of the top end users (UNION ALL keeps no order: sorted again after the query). */
export const compareEndUsers =
  (sort: EndUserSort) =>
  (a: EndUserSum, b: EndUserSum): number =>
    (sort === 'cost'
      ? b.costUsd - a.costUsd || b.requests - a.requests
      : b.requests - a.requests || b.costUsd - a.costUsd) ||
    (a.endUser < b.endUser ? -1 : a.endUser > b.endUser ? 1 : 0);

/** Rollup rows of one table whose bucket lies in [from, to). */
export interface RollupRange {
  table: RollupTable;
  from: Date;
  to: Date;
}

/** Sums over rollup rows for one group and bucket. */
export interface RollupSum {
  /** The group's id (or model group name); null for "none" (e.g. requests that reached no deployment). */
  key: string | null;
  bucket: Date | null;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  latencyHist: number[];
  /** The fine histogram (zeros for rows written before it existed). */
  latencySketch: number[];
  /** Last deployment name recorded in the rollups (label fallback for deleted deployments). */
  deploymentName: string | null;
}

const GROUP_COLUMN: Readonly<Record<StatsGroupBy, string>> = {
  deployment: `NULLIF(r."deploymentId", '${NIL_UUID}'::uuid)::text`,
  project: `NULLIF(r."projectId", '${NIL_UUID}'::uuid)::text`,
  key: `NULLIF(r."keyId", '${NIL_UUID}'::uuid)::text`,
  modelGroup: `r."modelGroup"`,
};

const ROLLUP_COLUMNS = `bucket, "modelGroup", "deploymentId", "projectId", "keyId", "deploymentName", requests, errors,
  "promptTokens", "completionTokens", "totalTokens", "costUsd", "latencyHist", "latencySketch"`;

/** One end user's sums over a range (EndUserRollupHour). */
export interface EndUserSum {
  endUser: string;
  requests: number;
  errors: number;
  totalTokens: number;
  costUsd: number;
  keyCount: number;
  /** Up to 5 of the keys used (nil UUID excluded). */
  keyIds: string[];
}

/** All end users of a range together: how many, and their requests and cost. */
export interface EndUserTotals {
  endUserCount: number;
  requests: number;
  costUsd: number;
}

const END_USER_ORDER: Readonly<Record<EndUserSort, string>> = {
  requests: `requests DESC, "costUsd" DESC, "endUser" COLLATE "C"`,
  cost: `"costUsd" DESC, requests DESC, "endUser" COLLATE "C"`,
};

/**
 * ` AND …` conditions for the rollup columns projectId, keyId and modelGroup: a project member's
 * projects only (an empty scope matches nothing), then each filter given. A filter on a project outside
 * the scope matches nothing, as the logs do.
 */
function filterSql(scope: ProjectScope, filter: StatsFilter, param: (value: string) => string): string {
  let sql =
    scope === null ? '' : ` AND "projectId" = ANY(string_to_array(${param(scope.join(','))}, ',')::uuid[])`;
  if (filter.projectId !== undefined) sql += ` AND "projectId" = ${param(filter.projectId)}::uuid`;
  if (filter.keyId !== undefined) sql += ` AND "keyId" = ${param(filter.keyId)}::uuid`;
  if (filter.modelGroup !== undefined) sql += ` AND "modelGroup" = ${param(filter.modelGroup)}`;
  return sql;
}

@Injectable()
export class UsageStatsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Sums the rollup rows of `ranges` per group (`groupBy`, or one group when null) and per bucket of
   * `interval` (UTC; or one bucket when null), in one statement. Without `latency` the histograms are
   * left empty: summing their ~150 elements over every row is most of the work.
   */
  async sumRollups(
    ranges: readonly RollupRange[],
    groupBy: StatsGroupBy | null,
    interval: StatsInterval | null,
    scope: ProjectScope,
    filter: StatsFilter = {},
    latency = true,
  ): Promise<RollupSum[]> {
    if (ranges.length === 0) return [];
    const params: string[] = [];
    const param = (value: string): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const scopeSql = filterSql(scope, filter, param);
    const union = ranges
      .map(
        (r) =>
          `SELECT ${ROLLUP_COLUMNS} FROM "${r.table}" ` +
          `WHERE bucket >= ${param(r.from.toISOString())}::timestamptz AND bucket < ${param(r.to.toISOString())}::timestamptz${scopeSql}`,
      )
      .join('\nUNION ALL\n');
    const key = groupBy ? GROUP_COLUMN[groupBy] : 'NULL::text';
    const bucket = interval ? `date_trunc(${param(interval)}, r.bucket, 'UTC')` : 'NULL::timestamptz';
    const rows = await this.prisma.$queryRawUnsafe<RollupSum[]>(
      `SELECT ${key} AS key, ${bucket} AS bucket,
         sum(r.requests)::float8 AS requests, sum(r.errors)::float8 AS errors,
         sum(r."promptTokens")::float8 AS "promptTokens", sum(r."completionTokens")::float8 AS "completionTokens",
         sum(r."totalTokens")::float8 AS "totalTokens", sum(r."costUsd")::float8 AS "costUsd",
         ${latency ? summedHistogramSql('r') : `'{}'::float8[]`} AS "latencyHist",
         ${latency ? summedSketchSql('r') : `'{}'::float8[]`} AS "latencySketch", max(r."deploymentName") AS "deploymentName"
       FROM (${union}) r
       GROUP BY 1, 2`,
      ...params,
    );
    return rows;
  }

  /**
   * End users of the hours [from, to), the first `limit` by `sort`, and the totals of all of them, in one
   * statement: whole UTC days from EndUserRollupDay, the hours around them from EndUserRollupHour.
   */
  async topEndUsers(
    from: Date,
    to: Date,
    sort: EndUserSort,
    limit: number,
    scope: ProjectScope,
    filter: StatsFilter,
  ): Promise<{ totals: EndUserTotals; endUsers: EndUserSum[] }> {
    const params: string[] = [];
    const param = (value: string): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const part = (table: EndUserRollupTable, start: Date, end: Date): string =>
      `SELECT "endUser", "keyId", requests, errors, "totalTokens", "costUsd" FROM "${table}"
       WHERE bucket >= ${param(start.toISOString())}::timestamptz AND bucket < ${param(end.toISOString())}::timestamptz${filterSql(scope, filter, param)}`;
    // Whole UTC days from the day rollup, the hours before and after them from the hour rollup.
    const firstDay = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
    const lastDay = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS);
    const parts =
      firstDay < lastDay
        ? [
            ...(from < firstDay ? [part('EndUserRollupHour', from, firstDay)] : []),
            part('EndUserRollupDay', firstDay, lastDay),
            ...(lastDay < to ? [part('EndUserRollupHour', lastDay, to)] : []),
          ]
        : [part('EndUserRollupHour', from, to)];
    const nil = `'${NIL_UUID}'::uuid`;
    // One pass over the range: per end user and key, then per end user (with its keys), then the top.
    const rows = await this.prisma.$queryRawUnsafe<
      (EndUserSum & Partial<EndUserTotals> & { top: boolean })[]
    >(
      `WITH per_key AS (
         SELECT "endUser", "keyId", sum(requests) AS requests, sum(errors) AS errors,
           sum("totalTokens") AS "totalTokens", sum("costUsd") AS "costUsd"
         FROM (${parts.join('\n         UNION ALL ')}) r
         GROUP BY 1, 2
       ), per_user AS (
         SELECT "endUser", sum(requests)::float8 AS requests, sum(errors)::float8 AS errors,
           sum("totalTokens")::float8 AS "totalTokens", sum("costUsd")::float8 AS "costUsd",
           (count(*) FILTER (WHERE "keyId" <> ${nil}))::int AS "keyCount",
           (array_agg("keyId"::text ORDER BY requests DESC, "keyId") FILTER (WHERE "keyId" <> ${nil}))[1:5] AS "keyIds"
         FROM per_key GROUP BY 1
       ), top AS (
         SELECT * FROM per_user ORDER BY ${END_USER_ORDER[sort]} LIMIT ${param(String(limit))}::int
       )
       SELECT true AS top, top.*, NULL::int AS "endUserCount" FROM top
       UNION ALL
       SELECT false, NULL, sum(requests), NULL, NULL, sum("costUsd"), NULL, NULL, count(*)::int FROM per_user`,
      ...params,
    );
    const totalsRow = rows.find((r) => !r.top);
    const endUsers = rows
      .filter((r) => r.top)
      .map(({ top: _top, endUserCount: _count, ...r }) => ({ ...r, keyIds: r.keyIds ?? [] }));
    endUsers.sort(compareEndUsers(sort));
    return {
      totals: {
        endUserCount: totalsRow?.endUserCount ?? 0,
        requests: totalsRow?.requests ?? 0,
        costUsd: totalsRow?.costUsd ?? 0,
      },
      endUsers,
    };
  }

  /** Human names for group keys: deployment and project names, key alias (or its display prefix). */
  async labels(groupBy: StatsGroupBy, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0 || groupBy === 'modelGroup') return new Map();
    const where = { id: { in: [...ids] } };
    switch (groupBy) {
      case 'deployment': {
        const rows = await this.prisma.deployment.findMany({ where, select: { id: true, name: true } });
        return new Map(rows.map((r) => [r.id, r.name]));
      }
      case 'project': {
        const rows = await this.prisma.project.findMany({ where, select: { id: true, name: true } });
        return new Map(rows.map((r) => [r.id, r.name]));
      }
      case 'key': {
        const rows = await this.prisma.virtualKey.findMany({
          where,
          select: { id: true, alias: true, prefix: true },
        });
        return new Map(rows.map((r) => [r.id, r.alias || r.prefix]));
      }
    }
  }
}
