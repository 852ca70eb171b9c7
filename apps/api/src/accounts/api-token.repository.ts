import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Account, ApiToken, Prisma } from '../generated/prisma/client';

@Injectable()
export class ApiTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByHash(tokenHash: string): Promise<(ApiToken & { account: Account }) | null> {
    return this.prisma.apiToken.findUnique({ where: { tokenHash }, include: { account: true } });
  }

  listActiveByAccount(accountId: string): Promise<ApiToken[]> {
    return this.prisma.apiToken.findMany({
      where: { accountId, revokedAt: null },
      orderBy: { createdAt: 'desc' },
    });
  }

  create(
    data: { accountId: string; name: string; tokenHash: string; hint: string; expiresAt: Date | null },
    onWrite: (tx: Prisma.TransactionClient, token: ApiToken) => Promise<void>,
  ): Promise<ApiToken> {
    return this.prisma.$transaction(async (tx) => {
      const token = await tx.apiToken.create({ data });
      await onWrite(tx, token);
      return token;
    });
  }

  /** The revoked token, or null when the account has no such live token. */
  revoke(
    accountId: string,
    id: string,
    at: Date,
    onWrite: (tx: Prisma.TransactionClient, token: ApiToken) => Promise<void>,
  ): Promise<ApiToken | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.apiToken.updateMany({
        where: { id, accountId, revokedAt: null },
        data: { revokedAt: at },
      });
      if (count === 0) return null;
      const token = await tx.apiToken.findUniqueOrThrow({ where: { id } });
      await onWrite(tx, token);
      return token;
    });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.prisma.apiToken.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
}
