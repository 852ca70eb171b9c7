import type { ProjectScope } from '../auth/caller';
import { Injectable } from '@nestjs/common';
import { AdminError } from '../common/errors';
import { PrismaService } from '../database/prisma.service';
import { Prisma, type Project } from '../generated/prisma/client';

/** A project with its active (unrevoked) key count and the spend of all its keys, revoked ones included. */
export type ProjectRecord = Omit<Project, 'spendUsd'> & { keyCount: number; spendUsd: number };

export interface ProjectWrite {
  tx: Prisma.TransactionClient;
  before: Project | null;
  after: Project | null;
  /** On delete: the revoked keys deleted with the project. */
  deletedKeyIds?: string[];
}

export type ProjectData = Pick<
  Prisma.ProjectCreateInput,
  'name' | 'description' | 'tags' | 'storeBodies' | 'bodyMaxBytes' | 'bodyRetentionDays'
>;

/** What the data plane needs to know of a project that keeps bodies. */
export interface ProjectBodySetting {
  id: string;
  bodyMaxBytes: number;
}

export type DeleteOutcome =
  | { kind: 'missing' }
  | { kind: 'has_active_keys'; activeKeys: number }
  | { kind: 'deleted'; revokedKeysDeleted: number };

const activeKeyCount = { _count: { select: { keys: { where: { revokedAt: null } } } } } as const;

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

function isForeignKeyViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2003';
}

function nameTaken(name: string | undefined): AdminError {
  return new AdminError(409, 'conflict', `A project named '${name ?? ''}' already exists.`);
}

@Injectable()
export class ProjectRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Ordered by name; `afterName` is the last name of the previous page; only `scope`'s projects. */
  async findPageByName(
    afterName: string | null,
    take: number,
    scope: ProjectScope,
  ): Promise<ProjectRecord[]> {
    const rows = await this.prisma.project.findMany({
      where: {
        ...(afterName !== null ? { name: { gt: afterName } } : {}),
        ...(scope !== null ? { id: { in: [...scope] } } : {}),
      },
      orderBy: { name: 'asc' },
      take,
      include: activeKeyCount,
    });
    return this.withSpend(rows);
  }

  async findById(id: string): Promise<ProjectRecord | null> {
    const row = await this.prisma.project.findUnique({ where: { id }, include: activeKeyCount });
    return row ? (await this.withSpend([row]))[0]! : null;
  }

  /** Projects that keep request and response bodies (usually few): loaded into memory by the gateway. */
  findStoringBodies(): Promise<ProjectBodySetting[]> {
    return this.prisma.project.findMany({
      where: { storeBodies: true },
      select: { id: true, bodyMaxBytes: true },
    });
  }

  async create(data: ProjectData, onWrite: (w: ProjectWrite) => Promise<void>): Promise<ProjectRecord> {
    try {
      const created = await this.prisma.$transaction(async (tx) => {
        const after = await tx.project.create({ data });
        await onWrite({ tx, before: null, after });
        return after;
      });
      return { ...created, keyCount: 0, spendUsd: 0 };
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(data.name);
      throw err;
    }
  }

  /** Null when there is no such project. */
  async update(
    id: string,
    data: Partial<ProjectData>,
    onWrite: (w: ProjectWrite) => Promise<void>,
  ): Promise<ProjectRecord | null> {
    try {
      const updated = await this.prisma.$transaction(async (tx) => {
        const before = await tx.project.findUnique({ where: { id } });
        if (!before) return null;
        const after = await tx.project.update({ where: { id }, data });
        await onWrite({ tx, before, after });
        return after;
      });
      return updated ? this.findById(updated.id) : null;
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(typeof data.name === 'string' ? data.name : undefined);
      throw err;
    }
  }

  /**
   * Deletes the project together with its revoked keys, unless it still has active keys. The project row
   * is locked first, so a key created meanwhile either commits before (and blocks) or fails its insert.
   */
  async deleteUnlessActiveKeys(
    id: string,
    onWrite: (w: ProjectWrite) => Promise<void>,
  ): Promise<DeleteOutcome> {
    try {
      return await this.prisma.$transaction(async (tx): Promise<DeleteOutcome> => {
        await tx.$queryRaw`SELECT 1 FROM "Project" WHERE id = ${id}::uuid FOR UPDATE`;
        const before = await tx.project.findUnique({ where: { id } });
        if (!before) return { kind: 'missing' };
        const activeKeys = await tx.virtualKey.count({ where: { projectId: id, revokedAt: null } });
        if (activeKeys > 0) return { kind: 'has_active_keys', activeKeys };
        const revoked = await tx.virtualKey.findMany({ where: { projectId: id }, select: { id: true } });
        await tx.virtualKey.deleteMany({ where: { projectId: id } });
        await tx.project.delete({ where: { id } });
        const deletedKeyIds = revoked.map((k) => k.id);
        await onWrite({ tx, before, after: null, deletedKeyIds });
        return { kind: 'deleted', revokedKeysDeleted: deletedKeyIds.length };
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) return { kind: 'has_active_keys', activeKeys: 1 };
      throw err;
    }
  }

  private async withSpend(rows: (Project & { _count: { keys: number } })[]): Promise<ProjectRecord[]> {
    if (rows.length === 0) return [];
    const sums = await this.prisma.virtualKey.groupBy({
      by: ['projectId'],
      where: { projectId: { in: rows.map((r) => r.id) } },
      _sum: { spendUsd: true },
    });
    const spend = new Map(sums.map((s) => [s.projectId, s._sum.spendUsd ?? 0]));
    return rows.map(({ _count, ...project }) => ({
      ...project,
      keyCount: _count.keys,
      spendUsd: spend.get(project.id) ?? 0,
    }));
  }
}
