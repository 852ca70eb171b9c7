import { Injectable } from '@nestjs/common';
import { projectWhere } from '../auth/caller';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import { RESETTING_PERIODS, type ResettingPeriod } from './budget-period';

/** Every column but the hashes: what admin reads may see. */
const SAFE_COLUMNS = {
  id: true,
  prefix: true,
  projectId: true,
  alias: true,
  models: true,
  rpmLimit: true,
  tpmLimit: true,
  maxParallel: true,
  endUserRpmLimit: true,
  endUserDailyBudgetUsd: true,
  maxBudgetUsd: true,
  budgetPeriod: true,
  budgetResetAt: true,
  periodSpendUsd: true,
  spendUsd: true,
  expiresAt: true,
  metadata: true,
  revokedAt: true,
  lastUsedAt: true,
  previousKeyExpiresAt: true,
  createdAt: true,
  updatedAt: true,
  project: { select: { name: true } },
} satisfies Prisma.VirtualKeySelect;

export type KeyRow = Prisma.VirtualKeyGetPayload<{ select: typeof SAFE_COLUMNS }>;

/** What the data plane loads: the hashes plus the limits, nothing else. */
const GATEWAY_COLUMNS = {
  id: true,
  projectId: true,
  alias: true,
  prefix: true,
  keyHash: true,
  previousKeyHash: true,
  previousKeyExpiresAt: true,
  models: true,
  rpmLimit: true,
  tpmLimit: true,
  maxParallel: true,
  endUserRpmLimit: true,
  endUserDailyBudgetUsd: true,
  maxBudgetUsd: true,
  budgetPeriod: true,
  budgetResetAt: true,
  periodSpendUsd: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
} satisfies Prisma.VirtualKeySelect;

export type GatewayKeyRow = Prisma.VirtualKeyGetPayload<{ select: typeof GATEWAY_COLUMNS }>;

export interface KeyWrite {
  tx: Prisma.TransactionClient;
  before: KeyRow | null;
  after: KeyRow;
}

export interface KeyFilter {
  projectId?: string;
  /** Only keys of these projects (null: any project). */
  projectIds: readonly string[] | null;
  includeRevoked: boolean;
}

/** Position in the newest-first list: the last row's creation time and id. */
export interface KeyPosition {
  createdAt: Date;
  id: string;
}

export type NewKeyData = Omit<Prisma.VirtualKeyUncheckedCreateInput, 'id' | 'createdAt' | 'updatedAt'>;
export type KeyChanges = Omit<
  Prisma.VirtualKeyUncheckedUpdateInput,
  'id' | 'projectId' | 'createdAt' | 'updatedAt'
>;

@Injectable()
export class VirtualKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Every key (revoked ones too, so their clients get a precise message), for the in-memory registry. */
  findAllForGateway(): Promise<GatewayKeyRow[]> {
    return this.prisma.virtualKey.findMany({ select: GATEWAY_COLUMNS });
  }

  findById(id: string): Promise<KeyRow | null> {
    return this.prisma.virtualKey.findUnique({ where: { id }, select: SAFE_COLUMNS });
  }

  /** Newest first. */
  findPage(filter: KeyFilter, after: KeyPosition | null, take: number): Promise<KeyRow[]> {
    const where: Prisma.VirtualKeyWhereInput = {
      projectId: projectWhere(filter.projectId, filter.projectIds),
      ...(filter.includeRevoked ? {} : { revokedAt: null }),
      ...(after
        ? {
            OR: [
              { createdAt: { lt: after.createdAt } },
              { createdAt: after.createdAt, id: { lt: after.id } },
            ],
          }
        : {}),
    };
    return this.prisma.virtualKey.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: SAFE_COLUMNS,
    });
  }

  async projectExists(projectId: string): Promise<boolean> {
    return (await this.prisma.project.count({ where: { id: projectId } })) > 0;
  }

  async create(data: NewKeyData, onWrite: (w: KeyWrite) => Promise<void>): Promise<KeyRow> {
    return this.prisma.$transaction(async (tx) => {
      const after = await tx.virtualKey.create({ data, select: SAFE_COLUMNS });
      await onWrite({ tx, before: null, after });
      return after;
    });
  }

  /**
   * Applies `changes(before)` to the key, locked against concurrent edits, in one transaction with the
   * audit row. Null when there is no such key; `changes` may throw to refuse (e.g. a revoked key).
   */
  async update(
    id: string,
    changes: (before: KeyRow) => KeyChanges | null,
    onWrite: (w: KeyWrite) => Promise<void>,
  ): Promise<{ before: KeyRow; after: KeyRow } | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "VirtualKey" WHERE id = ${id}::uuid FOR UPDATE`;
      const before = await tx.virtualKey.findUnique({ where: { id }, select: SAFE_COLUMNS });
      if (!before) return null;
      const data = changes(before);
      if (data === null) return { before, after: before };
      const after = await tx.virtualKey.update({ where: { id }, data, select: SAFE_COLUMNS });
      await onWrite({ tx, before, after });
      return { before, after };
    });
  }

  /**
   * Replaces the key's secret. With `previousValidUntil` the old secret keeps working until then
   * (any earlier grace is cut short); `check` may throw to refuse (e.g. a revoked key).
   */
  async rotate(
    id: string,
    next: { keyHash: string; prefix: string; previousValidUntil: Date | null },
    check: (before: KeyRow) => void,
    onWrite: (w: KeyWrite) => Promise<void>,
  ): Promise<KeyRow | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "VirtualKey" WHERE id = ${id}::uuid FOR UPDATE`;
      const row = await tx.virtualKey.findUnique({
        where: { id },
        select: { ...SAFE_COLUMNS, keyHash: true },
      });
      if (!row) return null;
      const { keyHash: oldHash, ...before } = row;
      check(before);
      const after = await tx.virtualKey.update({
        where: { id },
        data: {
          keyHash: next.keyHash,
          prefix: next.prefix,
          previousKeyHash: next.previousValidUntil ? oldHash : null,
          previousKeyExpiresAt: next.previousValidUntil,
        },
        select: SAFE_COLUMNS,
      });
      await onWrite({ tx, before, after });
      return after;
    });
  }

  /**
   * Spend per (key, end user) since `since` (today, UTC), from the end-user rollup the log writer keeps:
   * what the per-end-user daily budget starts from on an instance that has not counted it itself.
   */
  async sumEndUserSpendSince(
    pairs: readonly { keyId: string; endUser: string }[],
    since: Date,
  ): Promise<{ keyId: string; endUser: string; costUsd: number }[]> {
    if (pairs.length === 0) return [];
    const rows = await this.prisma.endUserRollupHour.groupBy({
      by: ['keyId', 'endUser'],
      where: { bucket: { gte: since }, OR: pairs.map((p) => ({ keyId: p.keyId, endUser: p.endUser })) },
      _sum: { costUsd: true },
    });
    return rows.map((r) => ({ keyId: r.keyId, endUser: r.endUser, costUsd: r._sum.costUsd ?? 0 }));
  }

  /**
   * Starts a new budget period for every key whose reset time has come: one UPDATE per period kind.
   * Returns how many keys were reset.
   */
  async resetDueBudgets(now: Date, nextReset: (period: ResettingPeriod) => Date): Promise<number> {
    let count = 0;
    for (const period of RESETTING_PERIODS) {
      const result = await this.prisma.virtualKey.updateMany({
        where: { budgetPeriod: period, OR: [{ budgetResetAt: { lte: now } }, { budgetResetAt: null }] },
        data: { periodSpendUsd: 0, budgetResetAt: nextReset(period) },
      });
      count += result.count;
    }
    return count;
  }
}
