import { projectWhere } from '../auth/caller';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import { type EncodedLogRow, encodeLogBatch } from './request-log.encoding';
import { endUserRollupUpsertSql, rollupUpsertSql } from './rollup-sql';

/** What the writer needs from storage; a batch id makes a retried batch idempotent. */
export interface RequestLogStore {
  /** Writes the rows, the rollups and the spend in one statement; `duplicate` when this batch id was written before. */
  writeBatch(batchId: string, rows: readonly EncodedLogRow[]): Promise<'written' | 'duplicate'>;
  /** Adds the rows' cost to their keys' and projects' spend without writing the rows (rows set aside). */
  addSpend(rows: readonly EncodedLogRow[]): Promise<void>;
}

export interface RequestLogFilter {
  from?: Date;
  to?: Date;
  projectId?: string;
  /** Only requests of these projects (null: any, including requests made with the master key). */
  projectIds: readonly string[] | null;
  keyId?: string;
  modelGroup?: string;
  deploymentId?: string;
  status?: 'success' | 'error' | number;
  requestId?: string;
  /** Text in the error message (case-insensitive). */
  q?: string;
}

export interface LogCursor {
  createdAt: Date;
  id: bigint;
}

const LIST_COLUMNS = {
  id: true,
  createdAt: true,
  requestId: true,
  route: true,
  keyId: true,
  projectId: true,
  modelGroup: true,
  deploymentId: true,
  deploymentName: true,
  attemptCount: true,
  status: true,
  errorType: true,
  errorMessage: true,
  latencyMs: true,
  ttftMs: true,
  promptTokens: true,
  completionTokens: true,
  totalTokens: true,
  costUsd: true,
  cachedTokens: true,
  pricing: true,
  stream: true,
  endUser: true,
} satisfies Prisma.RequestLogSelect;

export type RequestLogRow = Prisma.RequestLogGetPayload<{ select: typeof LIST_COLUMNS }>;
export type RequestLogDetailRow = RequestLogRow & { attempts: Prisma.JsonValue };

// The columns of one batch row as jsonb_to_recordset reads them (names match the JSON keys).
const RECORD_COLUMNS = `"createdAt" timestamptz, "requestId" text, route text, "keyId" uuid, "projectId" uuid,
  "modelGroup" text, "deploymentId" uuid, "deploymentName" text, attempts jsonb, "attemptCount" int, status int,
  "errorType" text, "errorMessage" text, "latencyMs" int, "ttftMs" int, "gatewayMs" float8, "promptTokens" int,
  "completionTokens" int, "totalTokens" int, "costUsd" float8, stream boolean, "endUser" text, "cachedTokens" int,
  pricing jsonb`;
const LOG_COLUMNS = `"createdAt", "requestId", route, "keyId", "projectId", "modelGroup", "deploymentId", "deploymentName",
  attempts, "attemptCount", status, "errorType", "errorMessage", "latencyMs", "ttftMs", "gatewayMs", "promptTokens",
  "completionTokens", "totalTokens", "costUsd", stream, "endUser", "cachedTokens", pricing`;

/** Stored bodies ride in each row's `body` ({ request, response, truncated }, null for most projects). */
const BODY_RECORD_COLUMN = 'body jsonb';
/** A request's bodies are written once: a retried or salvaged batch never duplicates or fails on them. */
const BODIES_INSERT_SQL = `
  INSERT INTO "RequestBody" ("requestId", "createdAt", "projectId", request, response, truncated)
  SELECT "requestId", "createdAt", "projectId", body->>'request', body->>'response',
    COALESCE((body->>'truncated')::boolean, false)
  FROM input WHERE body IS NOT NULL AND jsonb_typeof(body) = 'object' AND "projectId" IS NOT NULL
  ON CONFLICT ("requestId") DO NOTHING`;

/**
 * Every attempt of the batch's requests, counted per deployment, minute and outcome (`ok`, or the error
 * kind). Attempts without a deployment id (none was picked) are not counted.
 */
const ATTEMPT_ROLLUP_SQL = `
  INSERT INTO "AttemptRollup" AS t (bucket, "deploymentId", outcome, "deploymentName", attempts, "latencyMsSum")
  SELECT date_trunc('minute', i."createdAt", 'UTC'), (a->>'deploymentId')::uuid,
    CASE WHEN (a->>'status')::int < 400 THEN 'ok' ELSE COALESCE(NULLIF(a->>'errorKind', ''), 'error') END,
    max(a->>'deploymentName'), count(*), sum(round((a->>'latencyMs')::float8))::bigint
  FROM input i CROSS JOIN LATERAL jsonb_array_elements(i.attempts) a
  WHERE a->>'deploymentId' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  ON CONFLICT (bucket, "deploymentId", outcome) DO UPDATE SET
    attempts = t.attempts + EXCLUDED.attempts,
    "latencyMsSum" = t."latencyMsSum" + EXCLUDED."latencyMsSum",
    "deploymentName" = COALESCE(EXCLUDED."deploymentName", t."deploymentName")`;

/**
 * One statement, hence one transaction: claim the batch id (nothing else happens when it was claimed
 * before), insert the rows, add them to the three rollups, and add spend and last use to keys and projects
 * with one UPDATE per key and per project, count every attempt per deployment, and count the requests
 * that name an end user per hour, key, model group and end user.
 */
const WRITE_BATCH_SQL = `
WITH claim AS (
  INSERT INTO "RequestLogBatch" (id) VALUES ($1::uuid) ON CONFLICT DO NOTHING RETURNING id
), input AS (
  SELECT r.* FROM jsonb_to_recordset($2::jsonb) AS r(${RECORD_COLUMNS}, ${BODY_RECORD_COLUMN})
  WHERE EXISTS (SELECT 1 FROM claim)
), logs AS (
  INSERT INTO "RequestLog" (${LOG_COLUMNS}) SELECT ${LOG_COLUMNS} FROM input RETURNING 1
), minute_rollup AS (${rollupUpsertSql('UsageRollup', 'input')}
  RETURNING 1
), hour_rollup AS (${rollupUpsertSql('UsageRollupHour', 'input')}
  RETURNING 1
), day_rollup AS (${rollupUpsertSql('UsageRollupDay', 'input')}
  RETURNING 1
), attempt_rollup AS (${ATTEMPT_ROLLUP_SQL}
  RETURNING 1
), end_user_rollup AS (${endUserRollupUpsertSql('EndUserRollupHour', 'input')}
  RETURNING 1
), end_user_day_rollup AS (${endUserRollupUpsertSql('EndUserRollupDay', 'input')}
  RETURNING 1
), key_spend AS (
  UPDATE "VirtualKey" k
  SET "spendUsd" = k."spendUsd" + v.cost, "periodSpendUsd" = k."periodSpendUsd" + v.cost,
      "lastUsedAt" = GREATEST(k."lastUsedAt", v.last)
  FROM (SELECT "keyId" AS id, sum("costUsd") AS cost, max("createdAt") AS last
        FROM input WHERE "keyId" IS NOT NULL GROUP BY 1 ORDER BY 1) v
  WHERE k.id = v.id
  RETURNING 1
), project_spend AS (
  UPDATE "Project" p SET "spendUsd" = p."spendUsd" + v.cost
  FROM (SELECT "projectId" AS id, sum("costUsd") AS cost FROM input WHERE "projectId" IS NOT NULL GROUP BY 1 ORDER BY 1) v
  WHERE p.id = v.id
  RETURNING 1
), bodies AS (${BODIES_INSERT_SQL}
  RETURNING 1
)
SELECT (SELECT count(*) FROM claim)::int AS claimed, (SELECT count(*) FROM logs)::int AS inserted`;

/** Spend of rows that were set aside instead of written: only the key and project totals. */
const ADD_SPEND_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("keyId" uuid, "projectId" uuid, "costUsd" float8)
), key_spend AS (
  UPDATE "VirtualKey" k SET "spendUsd" = k."spendUsd" + v.cost, "periodSpendUsd" = k."periodSpendUsd" + v.cost
  FROM (SELECT "keyId" AS id, sum("costUsd") AS cost FROM input WHERE "keyId" IS NOT NULL GROUP BY 1) v
  WHERE k.id = v.id
  RETURNING 1
)
UPDATE "Project" p SET "spendUsd" = p."spendUsd" + v.cost
FROM (SELECT "projectId" AS id, sum("costUsd") AS cost FROM input WHERE "projectId" IS NOT NULL GROUP BY 1) v
WHERE p.id = v.id`;

function statusWhere(status: RequestLogFilter['status']): Prisma.RequestLogWhereInput {
  if (status === undefined) return {};
  if (status === 'success') return { status: { lt: 400 } };
  if (status === 'error') return { status: { gte: 400 } };
  return { status };
}

@Injectable()
export class RequestLogRepository implements RequestLogStore {
  private readonly logger = new Logger('RequestLogRepository');
  /**
   * Batches go over their own small pg pool as one prepared statement, not through Prisma: a batch is a
   * few megabytes of JSON at full load, and handing it to Prisma's query compiler copied it several
   * times over (CPU and garbage the gateway pays for in latency).
   */
  private writePool: Pool | null = null;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'databaseUrl'>,
  ) {}

  async writeBatch(batchId: string, rows: readonly EncodedLogRow[]): Promise<'written' | 'duplicate'> {
    const result = await this.pool().query<{ claimed: number; inserted: number }>({
      name: 'switchboard_write_request_logs',
      text: WRITE_BATCH_SQL,
      values: [batchId, encodeLogBatch(rows)],
    });
    return result.rows[0]?.claimed ? 'written' : 'duplicate';
  }

  async addSpend(rows: readonly EncodedLogRow[]): Promise<void> {
    const spend = rows
      .map((row) => JSON.parse(row) as { keyId: string | null; projectId: string | null; costUsd: number })
      .filter((r) => r.costUsd > 0);
    if (spend.length === 0) return;
    await this.pool().query({
      name: 'switchboard_add_set_aside_spend',
      text: ADD_SPEND_SQL,
      values: [JSON.stringify(spend)],
    });
  }

  /** Newest first, keyset-paginated on (createdAt, id) so every page is an index range scan. */
  async findPage(filter: RequestLogFilter, after: LogCursor | null, limit: number): Promise<RequestLogRow[]> {
    const createdAt: Prisma.DateTimeFilter = {};
    if (filter.from) createdAt.gte = filter.from;
    if (filter.to) createdAt.lt = filter.to;
    const where: Prisma.RequestLogWhereInput = {
      createdAt,
      projectId: projectWhere(filter.projectId, filter.projectIds),
      keyId: filter.keyId,
      modelGroup: filter.modelGroup,
      deploymentId: filter.deploymentId,
      requestId: filter.requestId,
      ...(filter.q ? { errorMessage: { contains: filter.q, mode: 'insensitive' as const } } : {}),
      ...statusWhere(filter.status),
      ...(after
        ? {
            AND: [
              { createdAt: { lte: after.createdAt } },
              { OR: [{ createdAt: { lt: after.createdAt } }, { id: { lt: after.id } }] },
            ],
          }
        : {}),
    };
    return this.prisma.requestLog.findMany({
      where,
      select: LIST_COLUMNS,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }

  async findById(id: bigint): Promise<RequestLogDetailRow | null> {
    return this.prisma.requestLog.findUnique({ where: { id }, select: { ...LIST_COLUMNS, attempts: true } });
  }

  /** Deletes up to `limit` rows created before `cutoff`; returns how many it deleted. */
  async deleteCreatedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "RequestLog" WHERE id IN (
        SELECT id FROM "RequestLog" WHERE "createdAt" < ${cutoff} LIMIT ${limit}
      )`;
  }

  async deleteBatchMarkersBefore(cutoff: Date): Promise<number> {
    return this.prisma.requestLogBatch
      .deleteMany({ where: { createdAt: { lt: cutoff } } })
      .then((r) => r.count);
  }

  /** Closes the write pool after the writer's last flush at shutdown (a later write opens a new one). */
  async release(): Promise<void> {
    const pool = this.writePool;
    this.writePool = null;
    await pool?.end();
  }

  private pool(): Pool {
    if (!this.writePool) {
      // One connection suffices (the writer sends one batch at a time); the second covers a reconnect.
      const pool = new Pool({ connectionString: this.config.databaseUrl, max: 2, idleTimeoutMillis: 30_000 });
      // An idle connection that dies (database restart) must not crash the process; the next query reconnects.
      pool.on('error', (err) => this.logger.warn(`request-log connection lost: ${err.message}`));
      this.writePool = pool;
    }
    return this.writePool;
  }
}
