import { Injectable } from '@nestjs/common';
import type {
  createProjectSchema,
  PageQuery,
  Project,
  projectPageSchema,
  updateProjectSchema,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { inScope, type ProjectScope } from '../auth/caller';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, pageFrom } from '../common/page-cursor';
import { AdminError } from '../common/errors';
import type { Project as ProjectRow } from '../generated/prisma/client';
import { VirtualKeyGatewayAuth } from '../keys/virtual-key.gateway-auth';
import { ProjectBodySettings } from './project-body-settings';
import { type ProjectRecord, ProjectRepository, type ProjectWrite } from './project.repository';

type BodySetting = 'storeBodies' | 'bodyMaxBytes' | 'bodyRetentionDays';
/** The body settings may be left out by in-process callers (the schema's defaults then apply). */
export type CreateProjectInput = Omit<z.output<typeof createProjectSchema>, BodySetting> &
  Partial<Pick<z.output<typeof createProjectSchema>, BodySetting>>;
export type UpdateProjectInput = z.output<typeof updateProjectSchema>;
export type ProjectPage = z.output<typeof projectPageSchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

@Injectable()
export class ProjectService {
  constructor(
    private readonly repo: ProjectRepository,
    private readonly audit: AuditService,
    private readonly gatewayAuth: VirtualKeyGatewayAuth,
    private readonly bodySettings: ProjectBodySettings,
  ) {}

  /** The projects in `scope` (null: all). */
  async list(query: PageQuery, scope: ProjectScope): Promise<ProjectPage> {
    const rows = await this.repo.findPageByName(decodeCursor(query.cursor), query.limit + 1, scope);
    const page = pageFrom(rows, query.limit, (p) => p.name);
    return { data: page.rows.map(toResponse), nextCursor: page.nextCursor };
  }

  /** A project outside `scope` is answered like a missing one. */
  async get(id: string, scope: ProjectScope): Promise<Project> {
    const project = UUID.test(id) && inScope(scope, id) ? await this.repo.findById(id) : null;
    if (!project) throw notFound(id);
    return toResponse(project);
  }

  async create(input: CreateProjectInput, actor: string): Promise<Project> {
    const created = await this.repo.create(input, (w) => this.record(actor, 'project.create', w));
    if (created.storeBodies) await this.bodySettings.changed();
    return toResponse(created);
  }

  async update(id: string, patch: UpdateProjectInput, actor: string): Promise<Project> {
    const updated = UUID.test(id)
      ? await this.repo.update(id, patch, (w) => this.record(actor, 'project.update', w))
      : null;
    if (!updated) throw notFound(id);
    // The data plane reads these from memory: apply them on every instance before answering.
    if (patch.storeBodies !== undefined || (patch.bodyMaxBytes !== undefined && updated.storeBodies)) {
      await this.bodySettings.changed();
    }
    return toResponse(updated);
  }

  /** Refused while the project has active keys; its revoked keys are deleted with it. */
  async remove(id: string, actor: string): Promise<void> {
    if (!UUID.test(id)) throw notFound(id);
    const outcome = await this.repo.deleteUnlessActiveKeys(id, (w) =>
      this.record(actor, 'project.delete', w),
    );
    switch (outcome.kind) {
      case 'missing':
        throw notFound(id);
      case 'has_active_keys':
        throw new AdminError(
          409,
          'conflict',
          `This project still has ${plural(outcome.activeKeys, 'active key')}; revoke ${outcome.activeKeys === 1 ? 'it' : 'them'} first.`,
        );
      case 'deleted':
        // Its revoked keys are gone from the database: drop them from memory everywhere too.
        if (outcome.revokedKeysDeleted > 0) await this.gatewayAuth.changed();
        return;
    }
  }

  private async record(actor: string, action: string, w: ProjectWrite): Promise<void> {
    const target = w.after ?? w.before;
    await this.audit.record(
      {
        actor,
        action,
        targetType: 'project',
        targetId: target?.id ?? null,
        before: w.before && {
          ...snapshot(w.before),
          ...(w.deletedKeyIds ? { deletedRevokedKeyIds: w.deletedKeyIds } : {}),
        },
        after: w.after && snapshot(w.after),
      },
      w.tx,
    );
  }
}

function snapshot(project: ProjectRow) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    tags: project.tags,
    storeBodies: project.storeBodies,
    bodyMaxBytes: project.bodyMaxBytes,
    bodyRetentionDays: project.bodyRetentionDays,
  };
}

function toResponse(project: ProjectRecord): Project {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    tags: project.tags,
    spendUsd: project.spendUsd,
    keyCount: project.keyCount,
    storeBodies: project.storeBodies,
    bodyMaxBytes: project.bodyMaxBytes,
    bodyRetentionDays: project.bodyRetentionDays,
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
  };
}

function notFound(id: string): AdminError {
  return new AdminError(404, 'not_found', `There is no project with id '${id}'.`);
}
