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

export interface AuditFilter {
  targetType?: string;
  targetId?: string;
  action?: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(event: NewAuditEvent, tx?: Tx): Promise<void> {
    await (tx ?? this.prisma).auditEvent.create({
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
}
