import { Injectable } from '@nestjs/common';
import type { auditEventPageSchema, auditListQuerySchema, AuditEvent } from '@switchboard/contracts';
import type { z } from 'zod';
import type { AuditEvent as AuditEventRow, Prisma } from '../generated/prisma/client';
import { redactSnapshot } from './audit-redaction';
import { AuditRepository, type LatestAuditEvent, type Tx } from './audit.repository';
import { decodeCursor, invalidCursor, pageFrom } from '../common/page-cursor';

export interface AuditEntry {
  actor: string;
  /** `<targetType>.<verb>`, e.g. `deployment.create`. */
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
}

export type AuditListQuery = z.output<typeof auditListQuerySchema>;
export type AuditEventPage = z.output<typeof auditEventPageSchema>;

@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  /** Writes one event with secrets stripped from both snapshots; pass `tx` to commit with the change. */
  async record(entry: AuditEntry, tx?: Tx): Promise<void> {
    await this.repo.insert(
      {
        actor: entry.actor,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        before: redactSnapshot(entry.before) as Prisma.InputJsonValue | null,
        after: redactSnapshot(entry.after) as Prisma.InputJsonValue | null,
      },
      tx,
    );
  }

  /** The newest event about each of `targetIds`, by target id (one indexed query for a whole page). */
  async latestPerTarget(
    targetType: string,
    targetIds: readonly string[],
  ): Promise<Map<string, LatestAuditEvent>> {
    const rows = await this.repo.findLatestPerTarget(targetType, targetIds);
    return new Map(rows.map((row) => [row.targetId, row]));
  }

  async list(query: AuditListQuery): Promise<AuditEventPage> {
    const cursor = decodeCursor(query.cursor);
    if (cursor !== null && !/^\d{1,19}$/.test(cursor)) throw invalidCursor();
    const filter = { targetType: query.targetType, targetId: query.targetId, action: query.action };
    const rows = await this.repo.findNewestPage(
      filter,
      cursor === null ? null : BigInt(cursor),
      query.limit + 1,
    );
    const page = pageFrom(rows, query.limit, (r) => r.id.toString());
    return { data: page.rows.map(toAuditEvent), nextCursor: page.nextCursor };
  }
}

function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id.toString(),
    createdAt: row.createdAt.toISOString(),
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    before: row.before ?? null,
    after: row.after ?? null,
  };
}
