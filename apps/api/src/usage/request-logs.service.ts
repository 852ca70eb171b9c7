import { inScope, type ProjectScope } from '../auth/caller';
import { Injectable } from '@nestjs/common';
import {
  attemptSchema,
  LOG_EXPORT_MAX_ROWS,
  type LogExportQuery,
  type LogListQuery,
  type RequestLog,
  type RequestLogDetail,
  requestLogPricingSchema,
} from '@switchboard/contracts';
import { z } from 'zod';
import { AdminError } from '../common/errors';
import { csvHeader, csvRow, jsonLine } from './log-export';
import { RequestBodyRepository } from './request-body.repository';
import {
  type LogCursor,
  RequestLogRepository,
  type RequestLogFilter,
  type RequestLogRow,
} from './request-log.repository';

const attemptsSchema = z.array(attemptSchema);
const INT8_MAX = 9_223_372_036_854_775_807n;

/** `<createdAt ISO>_<id>` in base64url: opaque to clients, and all the keyset needs. */
export function encodeCursor(row: { createdAt: Date; id: bigint }): string {
  return Buffer.from(`${row.createdAt.toISOString()}_${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): LogCursor {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('_');
  const createdAt = new Date(iso ?? '');
  if (!id || !/^\d{1,19}$/.test(id) || Number.isNaN(createdAt.getTime()) || BigInt(id) > INT8_MAX) {
    throw new AdminError(
      400,
      'invalid_cursor',
      'The cursor is not one this API returned; start from the first page.',
    );
  }
  return { createdAt, id: BigInt(id) };
}

/** A log id from a URL; null when it cannot be one (so the caller answers 404). */
export function parseLogId(raw: string): bigint | null {
  if (!/^\d{1,19}$/.test(raw)) return null;
  const id = BigInt(raw);
  return id > 0n && id <= INT8_MAX ? id : null;
}

/** Rows read per page while exporting. */
const EXPORT_PAGE = 1000;

function filterOf(query: Omit<LogListQuery, 'cursor' | 'limit'>, scope: ProjectScope): RequestLogFilter {
  return {
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
    projectId: query.projectId,
    projectIds: scope,
    keyId: query.keyId,
    modelGroup: query.modelGroup,
    deploymentId: query.deploymentId,
    status: query.status,
    requestId: query.requestId,
    q: query.q,
  };
}

function toRequestLog(row: RequestLogRow): RequestLog {
  const pricing = row.pricing === null ? null : requestLogPricingSchema.safeParse(row.pricing);
  return {
    ...row,
    id: row.id.toString(),
    createdAt: row.createdAt.toISOString(),
    pricing: pricing?.success ? pricing.data : null,
  };
}

@Injectable()
export class RequestLogsService {
  constructor(
    private readonly repo: RequestLogRepository,
    private readonly bodies: RequestBodyRepository,
  ) {}

  /** Requests of the projects in `scope` (null: all). */
  async list(
    query: LogListQuery,
    scope: ProjectScope,
  ): Promise<{ data: RequestLog[]; nextCursor: string | null }> {
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.repo.findPage(filterOf(query, scope), after, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      data: page.map(toRequestLog),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Every matching request (newest first, at most LOG_EXPORT_MAX_ROWS) as CSV or JSON lines, read page by
   * page (keyset) so a large range streams instead of being held in memory.
   */
  async *export(query: LogExportQuery, scope: ProjectScope): AsyncGenerator<string> {
    const filter = filterOf(query, scope);
    const csv = query.format === 'csv';
    if (csv) yield csvHeader();
    let after: LogCursor | null = null;
    let sent = 0;
    while (sent < LOG_EXPORT_MAX_ROWS) {
      const rows = await this.repo.findPage(filter, after, Math.min(EXPORT_PAGE, LOG_EXPORT_MAX_ROWS - sent));
      if (rows.length === 0) return;
      yield rows.map((row) => (csv ? csvRow(toRequestLog(row)) : jsonLine(toRequestLog(row)))).join('');
      sent += rows.length;
      const last = rows[rows.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** A request of a project outside `scope` is answered like a missing one. */
  async get(rawId: string, scope: ProjectScope): Promise<RequestLogDetail> {
    const id = parseLogId(rawId);
    const row = id === null ? null : await this.repo.findById(id);
    if (!row || !inScope(scope, row.projectId))
      throw new AdminError(404, 'not_found', `No request log with id '${rawId}'.`);
    const { attempts, ...rest } = row;
    const parsed = attemptsSchema.safeParse(attempts);
    const [bodies, project] = await Promise.all([
      row.projectId ? this.bodies.findByRequestId(row.requestId) : null,
      row.projectId ? this.bodies.findProjectSettings(row.projectId) : null,
    ]);
    return {
      ...toRequestLog(rest),
      attempts: parsed.success ? parsed.data : [],
      bodies,
      storesBodies: project?.storeBodies ?? false,
      bodyMaxBytes: project?.bodyMaxBytes ?? null,
    };
  }
}
