import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { AdminSession, Prisma } from '../generated/prisma/client';

export interface SessionWrite {
  tx: Prisma.TransactionClient;
  session: AdminSession;
}

@Injectable()
export class AdminSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    data: {
      tokenHash: string;
      expiresAt: Date;
      now: Date;
      userAgent: string | null;
      ip: string | null;
      accountId: string | null;
      masterKeyTag: string | null;
    },
    onWrite: (w: SessionWrite) => Promise<void>,
  ): Promise<AdminSession> {
    return this.prisma.$transaction(async (tx) => {
      const session = await tx.adminSession.create({
        data: {
          tokenHash: data.tokenHash,
          expiresAt: data.expiresAt,
          createdAt: data.now,
          lastSeenAt: data.now,
          userAgent: data.userAgent,
          ip: data.ip,
          accountId: data.accountId,
          masterKeyTag: data.masterKeyTag,
        },
      });
      await onWrite({ tx, session });
      return session;
    });
  }

  findByTokenHash(
    tokenHash: string,
  ): Promise<Pick<AdminSession, 'id' | 'expiresAt' | 'accountId' | 'masterKeyTag'> | null> {
    return this.prisma.adminSession.findUnique({
      where: { tokenHash },
      select: { id: true, expiresAt: true, accountId: true, masterKeyTag: true },
    });
  }

  /** False when the session is gone (logged out meanwhile). */
  async extend(id: string, expiresAt: Date, now: Date): Promise<boolean> {
    const { count } = await this.prisma.adminSession.updateMany({
      where: { id },
      data: { expiresAt, lastSeenAt: now },
    });
    return count === 1;
  }

  /** The deleted session, or null when there was none. */
  async deleteByTokenHash(
    tokenHash: string,
    onWrite: (w: SessionWrite) => Promise<void>,
  ): Promise<AdminSession | null> {
    return this.prisma.$transaction(async (tx) => {
      const session = await tx.adminSession.findUnique({ where: { tokenHash } });
      if (!session) return null;
      await tx.adminSession.delete({ where: { id: session.id } });
      await onWrite({ tx, session });
      return session;
    });
  }

  /** Ends every session of the account except the one whose token hash is `keepHash`; returns how many. */
  async deleteForAccount(accountId: string, keepHash: string | null): Promise<number> {
    const { count } = await this.prisma.adminSession.deleteMany({
      where: { accountId, ...(keepHash ? { tokenHash: { not: keepHash } } : {}) },
    });
    return count;
  }

  async deleteExpired(now: Date): Promise<number> {
    const { count } = await this.prisma.adminSession.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }
}
