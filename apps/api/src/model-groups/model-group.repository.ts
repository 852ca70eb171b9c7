import { Injectable } from '@nestjs/common';
import { AdminError } from '../common/errors';
import { PrismaService } from '../database/prisma.service';
import { type ModelGroup, Prisma } from '../generated/prisma/client';

/** A model group with how many deployments (enabled or not) belong to it. */
export type ModelGroupRecord = ModelGroup & { deploymentCount: number };

export type ModelGroupPolicyData = Omit<
  Prisma.ModelGroupCreateInput,
  'id' | 'name' | 'createdAt' | 'updatedAt' | 'deployments'
>;

export interface ModelGroupWrite {
  tx: Prisma.TransactionClient;
  before: ModelGroup | null;
  after: ModelGroup | null;
}

const withCount = { _count: { select: { deployments: true } } } as const;
type RowWithCount = ModelGroup & { _count: { deployments: number } };

function toRecord({ _count, ...group }: RowWithCount): ModelGroupRecord {
  return { ...group, deploymentCount: _count.deployments };
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

function isForeignKeyViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2003';
}

@Injectable()
export class ModelGroupRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Ordered by name; `afterName` is the last name of the previous page. */
  async findPageByName(afterName: string | null, take: number): Promise<ModelGroupRecord[]> {
    const rows = await this.prisma.db().modelGroup.findMany({
      where: afterName !== null ? { name: { gt: afterName } } : {},
      orderBy: { name: 'asc' },
      take,
      include: withCount,
    });
    return rows.map(toRecord);
  }

  async findByName(name: string): Promise<ModelGroupRecord | null> {
    const row = await this.prisma.db().modelGroup.findUnique({ where: { name }, include: withCount });
    return row ? toRecord(row) : null;
  }

  /** Which of these names are existing groups. */
  async findExistingNames(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.prisma.db().modelGroup.findMany({
      where: { name: { in: [...names] } },
      select: { name: true },
    });
    return rows.map((r) => r.name);
  }

  /** Groups that list `name` among their fallbacks. */
  async findNamesFallingBackTo(name: string): Promise<string[]> {
    const rows = await this.prisma.db().modelGroup.findMany({
      where: { fallbacks: { has: name } },
      select: { name: true },
      orderBy: { name: 'asc' },
    });
    return rows.map((r) => r.name);
  }

  /**
   * Inside another repository's transaction: the group named `name`, created with the default policy
   * when missing (concurrent creators of the same name both end up with the one row).
   */
  async createIfMissing(
    tx: Prisma.TransactionClient,
    name: string,
  ): Promise<{ group: ModelGroup; created: boolean }> {
    const { count } = await tx.modelGroup.createMany({ data: [{ name }], skipDuplicates: true });
    const group = await tx.modelGroup.findUniqueOrThrow({ where: { name } });
    return { group, created: count === 1 };
  }

  async create(
    name: string,
    policy: ModelGroupPolicyData,
    onWrite: (w: ModelGroupWrite) => Promise<void>,
  ): Promise<ModelGroupRecord> {
    try {
      const created = await this.prisma.transaction(async (tx) => {
        const after = await tx.modelGroup.create({ data: { name, ...policy } });
        await onWrite({ tx, before: null, after });
        return after;
      });
      return { ...created, deploymentCount: 0 };
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AdminError(409, 'conflict', `A model group named '${name}' already exists.`);
      throw err;
    }
  }

  /** Null when no group has that name. */
  async updateByName(
    name: string,
    policy: Partial<ModelGroupPolicyData>,
    onWrite: (w: ModelGroupWrite) => Promise<void>,
  ): Promise<ModelGroupRecord | null> {
    return this.prisma.transaction(async (tx) => {
      const before = await tx.modelGroup.findUnique({ where: { name } });
      if (!before) return null;
      const { _count, ...after } = await tx.modelGroup.update({
        where: { id: before.id },
        data: policy,
        include: withCount,
      });
      await onWrite({ tx, before, after });
      return { ...after, deploymentCount: _count.deployments };
    });
  }

  /** Null when no group has that name. Deployments still pointing at the group make it a 409. */
  async deleteByName(
    name: string,
    onWrite: (w: ModelGroupWrite) => Promise<void>,
  ): Promise<ModelGroup | null> {
    try {
      return await this.prisma.transaction(async (tx) => {
        const before = await tx.modelGroup.findUnique({ where: { name } });
        if (!before) return null;
        await tx.modelGroup.delete({ where: { id: before.id } });
        await onWrite({ tx, before, after: null });
        return before;
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) {
        throw new AdminError(
          409,
          'conflict',
          `Model group '${name}' still has deployments; delete them or move them first.`,
        );
      }
      throw err;
    }
  }
}
