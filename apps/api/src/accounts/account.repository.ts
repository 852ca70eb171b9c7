import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Account, Prisma } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

@Injectable()
export class AccountRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByEmail(email: string): Promise<Account | null> {
    return this.prisma.account.findUnique({ where: { email: email.toLowerCase() } });
  }

  findBySsoSubject(subject: string): Promise<Account | null> {
    return this.prisma.account.findUnique({ where: { ssoSubject: subject } });
  }

  /**
   * An account for someone the identity provider vouched for; null when the email was taken meanwhile
   * (a racing first sign-in: look it up again).
   */
  async createFromSso(
    data: { email: string; displayName: string; role: string; ssoSubject: string },
    onWrite: (tx: Tx, account: Account) => Promise<void>,
  ): Promise<Account | null> {
    return this.prisma.$transaction(async (tx) => {
      if (await tx.account.findUnique({ where: { email: data.email }, select: { id: true } })) return null;
      const account = await tx.account.create({ data: { ...data, projectIds: [] } });
      await onWrite(tx, account);
      return account;
    });
  }

  /** Links an SSO identity to an account and, when the provider's claims say so, sets its role. */
  async applySso(
    id: string,
    changes: { ssoSubject: string; role?: string },
    onWrite: (tx: Tx, before: Account, after: Account) => Promise<void>,
  ): Promise<Account> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.account.findUniqueOrThrow({ where: { id } });
      const role = changes.role ?? before.role;
      const after = await tx.account.update({
        where: { id },
        data: {
          ssoSubject: changes.ssoSubject,
          role,
          ...(role !== 'project-member' ? { projectIds: [] } : {}),
        },
      });
      await onWrite(tx, before, after);
      return after;
    });
  }

  findById(id: string): Promise<Account | null> {
    return this.prisma.account.findUnique({ where: { id } });
  }

  /** The ids among `projectIds` that name no project. */
  async unknownProjects(projectIds: readonly string[]): Promise<string[]> {
    if (projectIds.length === 0) return [];
    const found = await this.prisma.project.findMany({
      where: { id: { in: [...projectIds] } },
      select: { id: true },
    });
    const known = new Set(found.map((p) => p.id));
    return projectIds.filter((id) => !known.has(id));
  }

  async hasAny(): Promise<boolean> {
    return (await this.prisma.account.findFirst({ select: { id: true } })) !== null;
  }

  /** Creates the first account in one transaction that re-checks none exists (two racing setups: one wins). */
  async createFirst(
    data: { email: string; displayName: string; role: string; passwordHash: string },
    onWrite: (tx: Tx, account: Account) => Promise<void>,
  ): Promise<Account | null> {
    return this.prisma.$transaction(
      async (tx) => {
        if (await tx.account.findFirst({ select: { id: true } })) return null;
        const account = await tx.account.create({ data: { ...data, email: data.email.toLowerCase() } });
        await onWrite(tx, account);
        return account;
      },
      { isolationLevel: 'Serializable' },
    );
  }

  /** Replaces the password hash; `onWrite` (the audit record) runs in the same transaction. */
  async setPasswordHash(id: string, passwordHash: string, onWrite: (tx: Tx) => Promise<void>): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.account.update({ where: { id }, data: { passwordHash } });
      await onWrite(tx);
    });
  }

  async touchLastLogin(id: string, at: Date): Promise<void> {
    await this.prisma.account.updateMany({ where: { id }, data: { lastLoginAt: at } });
  }

  async endSessions(accountId: string): Promise<number> {
    const { count } = await this.prisma.adminSession.deleteMany({ where: { accountId } });
    return count;
  }

  /** Ordered by email; the cursor is the last email seen. */
  list(limit: number, afterEmail: string | undefined): Promise<Account[]> {
    return this.prisma.account.findMany({
      where: afterEmail ? { email: { gt: afterEmail } } : {},
      orderBy: { email: 'asc' },
      take: limit + 1,
    });
  }

  /** Null when the email is taken. */
  async create(
    data: { email: string; displayName: string; role: string; projectIds: string[] },
    token: { hash: string; purpose: string; expiresAt: Date },
    onWrite: (tx: Tx, account: Account) => Promise<void>,
  ): Promise<Account | null> {
    return this.prisma.$transaction(async (tx) => {
      if (await tx.account.findUnique({ where: { email: data.email }, select: { id: true } })) return null;
      const account = await tx.account.create({ data });
      await tx.accountToken.create({ data: { ...token, accountId: account.id } });
      await onWrite(tx, account);
      return account;
    });
  }

  /**
   * Applies `patch` unless `check` refuses it against the row as it is inside the transaction (serializable,
   * so two admins demoting each other cannot both succeed and leave no admin).
   */
  async update(
    id: string,
    build: (tx: Tx, before: Account) => Promise<Prisma.AccountUpdateInput>,
    onWrite: (tx: Tx, before: Account, after: Account) => Promise<void>,
  ): Promise<Account | null> {
    return this.prisma.$transaction(
      async (tx) => {
        const before = await tx.account.findUnique({ where: { id } });
        if (!before) return null;
        const after = await tx.account.update({ where: { id }, data: await build(tx, before) });
        await onWrite(tx, before, after);
        return after;
      },
      { isolationLevel: 'Serializable' },
    );
  }

  countOtherActiveAdmins(tx: Tx, exceptId: string): Promise<number> {
    return tx.account.count({ where: { role: 'admin', status: 'active', id: { not: exceptId } } });
  }

  async endSessionsTx(tx: Tx, accountId: string): Promise<void> {
    await tx.adminSession.deleteMany({ where: { accountId } });
  }

  async addToken(tx: Tx, token: { hash: string; accountId: string; purpose: string; expiresAt: Date }) {
    // One live link per account: a new one replaces the old.
    await tx.accountToken.deleteMany({ where: { accountId: token.accountId, usedAt: null } });
    await tx.accountToken.create({ data: token });
  }

  /** Marks the token used and sets the password, once; null when unknown, used or expired. */
  async consumeToken(
    hash: string,
    now: Date,
    passwordHash: string,
    onWrite: (tx: Tx, account: Account, purpose: string) => Promise<void>,
  ): Promise<Account | null> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.accountToken.updateMany({
        where: { hash, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (count === 0) return null;
      const token = await tx.accountToken.findUniqueOrThrow({ where: { hash } });
      const account = await tx.account.update({ where: { id: token.accountId }, data: { passwordHash } });
      await tx.adminSession.deleteMany({ where: { accountId: account.id } });
      await onWrite(tx, account, token.purpose);
      return account;
    });
  }
}
