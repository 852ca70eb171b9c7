import type { ProjectScope } from '../auth/caller';
import { Injectable } from '@nestjs/common';
import type { DistributionQuery } from '@switchboard/contracts';
import { PrismaService } from '../database/prisma.service';
import { NIL_UUID, type RollupTable, summedHistogramSql, summedSketchSql } from './rollup-sql';

export type StatsGroupBy = DistributionQuery['groupBy'];
export type StatsInterval = DistributionQuery['interval'];

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

@Injectable()
export class UsageStatsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Sums the rollup rows of `ranges` per group (`groupBy`, or one group when null) and per bucket of
   * `interval` (UTC; or one bucket when null), in one statement.
   */
  async sumRollups(
    ranges: readonly RollupRange[],
    groupBy: StatsGroupBy | null,
    interval: StatsInterval | null,
    scope: ProjectScope,
  ): Promise<RollupSum[]> {
    if (ranges.length === 0) return [];
    const params: string[] = [];
    const param = (value: string): string => {
      params.push(value);
      return `$${params.length}`;
    };
    // A project member's statistics: only their projects' rows (an empty scope matches nothing).
    const scopeSql =
      scope === null ? '' : ` AND "projectId" = ANY(string_to_array(${param(scope.join(','))}, ',')::uuid[])`;
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
         ${summedHistogramSql('r')} AS "latencyHist", ${summedSketchSql('r')} AS "latencySketch", max(r."deploymentName") AS "deploymentName"
       FROM (${union}) r
       GROUP BY 1, 2`,
      ...params,
    );
    return rows;
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
