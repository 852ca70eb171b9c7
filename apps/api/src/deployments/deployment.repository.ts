import { Injectable } from '@nestjs/common';
import { AdminError } from '../common/errors';
import { PrismaService } from '../database/prisma.service';
import { type Deployment, type ModelGroup, Prisma } from '../generated/prisma/client';
import { ModelGroupRepository } from '../model-groups/model-group.repository';

/** A deployment as the admin API may see it: no ciphertext, plus its group's name. */
export type DeploymentRecord = Omit<Deployment, 'apiKeyEncrypted'> & { modelGroup: { name: string } };

/** Columns written by the admin API (the group is passed by name). */
export type DeploymentData = Omit<Deployment, 'id' | 'modelGroupId' | 'createdAt' | 'updatedAt'>;

/** What the upstream connection test needs, key ciphertext included. */
export type DeploymentTarget = Pick<
  Deployment,
  'id' | 'name' | 'provider' | 'model' | 'apiBase' | 'apiVersion' | 'apiKeyEncrypted'
>;

export interface DeploymentWrite {
  tx: Prisma.TransactionClient;
  before: DeploymentRecord | null;
  after: DeploymentRecord | null;
  /** The model group this write created because the deployment named one that did not exist. */
  createdGroup: ModelGroup | null;
}

type OnWrite = (w: DeploymentWrite) => Promise<void>;

// Safe columns only: the ciphertext never leaves this file except through findConnectionTarget.
const safe = {
  omit: { apiKeyEncrypted: true },
  include: { modelGroup: { select: { name: true } } },
} as const;

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

@Injectable()
export class DeploymentRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly groups: ModelGroupRepository,
  ) {}

  /** Ordered by name; `afterName` is the last name of the previous page. */
  findPageByName(
    filter: { modelGroup?: string },
    afterName: string | null,
    take: number,
  ): Promise<DeploymentRecord[]> {
    return this.prisma.db().deployment.findMany({
      where: {
        ...(filter.modelGroup !== undefined ? { modelGroup: { name: filter.modelGroup } } : {}),
        ...(afterName !== null ? { name: { gt: afterName } } : {}),
      },
      orderBy: { name: 'asc' },
      take,
      ...safe,
    });
  }

  findById(id: string): Promise<DeploymentRecord | null> {
    return this.prisma.db().deployment.findUnique({ where: { id }, ...safe });
  }

  findConnectionTarget(id: string): Promise<DeploymentTarget | null> {
    return this.prisma.db().deployment.findUnique({
      where: { id },
      select: {
        id: true,
        name: true,
        provider: true,
        model: true,
        apiBase: true,
        apiVersion: true,
        apiKeyEncrypted: true,
      },
    });
  }

  /** Creates the deployment and, in the same transaction, its model group when missing. */
  async create(groupName: string, data: DeploymentData, onWrite: OnWrite): Promise<DeploymentRecord> {
    return this.mapConflicts(data.name, () =>
      this.prisma.transaction(async (tx) => {
        const { group, created } = await this.groups.createIfMissing(tx, groupName);
        const after = await tx.deployment.create({ data: { ...data, modelGroupId: group.id }, ...safe });
        await onWrite({ tx, before: null, after, createdGroup: created ? group : null });
        return after;
      }),
    );
  }

  /** Null when the id is unknown. Naming a missing group creates it, as on create. */
  async update(
    id: string,
    groupName: string | undefined,
    data: Partial<DeploymentData>,
    onWrite: OnWrite,
  ): Promise<DeploymentRecord | null> {
    return this.mapConflicts(data.name, () =>
      this.prisma.transaction(async (tx) => {
        const before = await tx.deployment.findUnique({ where: { id }, ...safe });
        if (!before) return null;
        let createdGroup: ModelGroup | null = null;
        let modelGroupId: string | undefined;
        if (groupName !== undefined && groupName !== before.modelGroup.name) {
          const { group, created } = await this.groups.createIfMissing(tx, groupName);
          modelGroupId = group.id;
          if (created) createdGroup = group;
        }
        const after = await tx.deployment.update({ where: { id }, data: { ...data, modelGroupId }, ...safe });
        await onWrite({ tx, before, after, createdGroup });
        return after;
      }),
    );
  }

  /** Moves `updatedAt` (nothing else): other instances see the deployment as edited. Null when unknown. */
  async touch(id: string, onWrite: OnWrite): Promise<DeploymentRecord | null> {
    return this.prisma.transaction(async (tx) => {
      const before = await tx.deployment.findUnique({ where: { id }, ...safe });
      if (!before) return null;
      const after = await tx.deployment.update({ where: { id }, data: { updatedAt: new Date() }, ...safe });
      await onWrite({ tx, before, after, createdGroup: null });
      return after;
    });
  }

  /** Null when the id is unknown. */
  async delete(id: string, onWrite: OnWrite): Promise<DeploymentRecord | null> {
    return this.prisma.transaction(async (tx) => {
      const before = await tx.deployment.findUnique({ where: { id }, ...safe });
      if (!before) return null;
      await tx.deployment.delete({ where: { id } });
      await onWrite({ tx, before, after: null, createdGroup: null });
      return before;
    });
  }

  private async mapConflicts<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AdminError(409, 'conflict', `A deployment named '${name ?? ''}' already exists.`);
      }
      throw err;
    }
  }
}
