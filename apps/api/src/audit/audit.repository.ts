import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { type AuditEvent, Prisma } from '../generated/prisma/client';

/**
 * A transaction handle lent by another repository, so an audit row commits or rolls back together
 * with the change it describes.
 */
export type Tx = Prisma.TransactionClient;

export interface NewAuditEvent {
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: Prisma.InputJsonValue | null;
  after: Prisma.InputJsonValue | null;
}

/** The newest event about one target. */
export interface LatestAuditEvent {
  targetId: string;
  action: string;
  actor: string;
  createdAt: Date;
}

export interface AuditFilter {
  targetType?: string;
  targetId?: string;
  action?: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(event: NewAuditEvent, tx?: Tx): Promise<void> {
    await (tx ?? this.prisma.db()).auditEvent.create({
      data: { ...event, before: event.before ?? Prisma.DbNull, after: event.after ?? Prisma.DbNull },
    });
  }

  /** Newest first; `beforeId` is the last id of the previous page. */
  findNewestPage(filter: AuditFilter, beforeId: bigint | null, take: number): Promise<AuditEvent[]> {
    return this.prisma.auditEvent.findMany({
      where: { ...filter, ...(beforeId !== null ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take,
    });
  }

  /** The newest event of each of `targetIds` (of `targetType`); targets without events are left out. */
  findLatestPerTarget(targetType: string, targetIds: readonly string[]): Promise<LatestAuditEvent[]> {
    if (targetIds.length === 0) return Promise.resolve([]);
    return this.prisma.$queryRaw<LatestAuditEvent[]>`
      SELECT DISTINCT ON ("targetId") "targetId", action, actor, "createdAt"
      FROM "AuditEvent"
      WHERE "targetType" = ${targetType} AND "targetId" = ANY(${[...targetIds]}::text[])
      ORDER BY "targetId", id DESC`;
  }
}
