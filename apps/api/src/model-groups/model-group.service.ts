import { Injectable } from '@nestjs/common';
import type {
  createModelGroupSchema,
  ModelGroup,
  modelGroupPageSchema,
  PageQuery,
  updateModelGroupSchema,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { AdminError } from '../common/errors';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, pageFrom } from '../common/page-cursor';
import { LiveConfigService } from '../routing/live-config.service';
import { Router } from '../routing/router';
import { RouterRegistry } from '../routing/router-registry';
import { normaliseStrategy } from '../routing/routing.types';
import { type ModelGroupRecord, ModelGroupRepository, type ModelGroupWrite } from './model-group.repository';
import { modelGroupSnapshot } from './model-group.snapshot';

export type CreateModelGroupInput = z.output<typeof createModelGroupSchema>;
export type UpdateModelGroupInput = z.output<typeof updateModelGroupSchema>;
export type ModelGroupPage = z.output<typeof modelGroupPageSchema>;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

@Injectable()
export class ModelGroupService {
  constructor(
    private readonly repo: ModelGroupRepository,
    private readonly audit: AuditService,
    private readonly router: Router,
    private readonly registry: RouterRegistry,
    private readonly liveConfig: LiveConfigService,
  ) {}

  async list(query: PageQuery): Promise<ModelGroupPage> {
    const rows = await this.repo.findPageByName(decodeCursor(query.cursor), query.limit + 1);
    const page = pageFrom(rows, query.limit, (g) => g.name);
    return { data: page.rows.map((g) => this.toResponse(g)), nextCursor: page.nextCursor };
  }

  async get(name: string): Promise<ModelGroup> {
    return this.toResponse(await this.findOrThrow(name));
  }

  async create(input: CreateModelGroupInput, actor: string): Promise<ModelGroup> {
    const { name, ...policy } = input;
    await this.checkFallbacks(name, policy.fallbacks);
    const created = await this.repo.create(name, policy, (w) => this.record(actor, 'model_group.create', w));
    await this.liveConfig.changed();
    return this.toResponse(created);
  }

  async update(name: string, patch: UpdateModelGroupInput, actor: string): Promise<ModelGroup> {
    if (patch.fallbacks !== undefined) await this.checkFallbacks(name, patch.fallbacks);
    const updated = await this.repo.updateByName(name, patch, (w) =>
      this.record(actor, 'model_group.update', w),
    );
    if (!updated) throw notFound(name);
    await this.liveConfig.changed();
    return this.toResponse(updated);
  }

  async remove(name: string, actor: string): Promise<void> {
    const group = await this.findOrThrow(name);
    if (group.deploymentCount > 0) {
      throw new AdminError(
        409,
        'conflict',
        `Model group '${name}' still has ${plural(group.deploymentCount, 'deployment')}; delete them or move them to another model group first.`,
      );
    }
    const referrers = (await this.repo.findNamesFallingBackTo(name)).filter((n) => n !== name);
    if (referrers.length > 0) {
      const list = referrers.map((n) => `'${n}'`).join(', ');
      throw new AdminError(
        409,
        'conflict',
        `Model group '${name}' is a fallback of ${list}; remove it from their fallbacks first.`,
      );
    }
    const deleted = await this.repo.deleteByName(name, (w) => this.record(actor, 'model_group.delete', w));
    if (!deleted) throw notFound(name);
    await this.liveConfig.changed();
  }

  private async findOrThrow(name: string): Promise<ModelGroupRecord> {
    const group = await this.repo.findByName(name);
    if (!group) throw notFound(name);
    return group;
  }

  /** Fallbacks must name other, existing groups, each once. */
  private async checkFallbacks(self: string, fallbacks: readonly string[]): Promise<void> {
    const existing = new Set(await this.repo.findExistingNames(fallbacks));
    const problems: { path: string; message: string }[] = [];
    fallbacks.forEach((name, i) => {
      const path = `fallbacks.${i}`;
      if (name === self)
        problems.push({ path, message: `'${name}' is the group itself; a group cannot fall back to itself` });
      else if (fallbacks.indexOf(name) !== i) problems.push({ path, message: `'${name}' is listed twice` });
      else if (!existing.has(name))
        problems.push({ path, message: `there is no model group named '${name}'` });
    });
    const first = problems[0];
    if (first)
      throw new AdminError(
        400,
        'validation_failed',
        `Invalid request: ${first.path}: ${first.message}`,
        problems,
      );
  }

  private async record(actor: string, action: string, w: ModelGroupWrite): Promise<void> {
    const target = w.after ?? w.before;
    await this.audit.record(
      {
        actor,
        action,
        targetType: 'model_group',
        targetId: target?.id ?? null,
        before: w.before && modelGroupSnapshot(w.before),
        after: w.after && modelGroupSnapshot(w.after),
      },
      w.tx,
    );
  }

  private toResponse(group: ModelGroupRecord): ModelGroup {
    const expectedSplit = this.router.expectedSplit(group.name).map((s) => ({
      deploymentId: s.deploymentId,
      deploymentName: this.registry.getDeployment(s.deploymentId)?.name ?? s.deploymentId,
      share: s.share,
    }));
    return {
      id: group.id,
      name: group.name,
      strategy: normaliseStrategy(group.strategy) ?? 'weighted-shuffle',
      numRetries: group.numRetries,
      fallbacks: group.fallbacks,
      allowedFails: group.allowedFails,
      cooldownSeconds: group.cooldownSeconds,
      maxCooldownSeconds: group.maxCooldownSeconds,
      timeoutMs: group.timeoutMs,
      streamIdleTimeoutMs: group.streamIdleTimeoutMs,
      deploymentCount: group.deploymentCount,
      expectedSplit,
      createdAt: group.createdAt.toISOString(),
      updatedAt: group.updatedAt.toISOString(),
    };
  }
}

function notFound(name: string): AdminError {
  return new AdminError(404, 'not_found', `There is no model group named '${name}'.`);
}
