import type { ProjectScope } from '../auth/caller';
import { Inject, Injectable } from '@nestjs/common';
import { type BudgetPeriod, createKeySchema, type VirtualKey } from '@switchboard/contracts';
import { AdminError } from '../common/errors';
import { KEY_CLOCK } from '../keys/key-clock';
import { hashVirtualKey, keyDisplayPrefix } from '../keys/key-secret';
import { VirtualKeyService } from '../keys/virtual-key.service';
import { ProjectService } from '../projects/project.service';
import type { Clock } from '../common/clock';
import type {
  LiteLLMDeleteKeys,
  LiteLLMGenerateKey,
  LiteLLMGeneratedKey,
  LiteLLMKeyInfo,
} from './litellm-compat.dto';
import { LiteLLMCompatRepository } from './litellm-compat.repository';
import { addLiteLLMDuration, budgetDurationOf, budgetPeriodFor } from './litellm-duration';

/** Where keys made through `/key/generate` without a `team_id` live. */
export const COMPAT_PROJECT = 'LiteLLM compat';

function invalid(path: string, message: string): AdminError {
  return new AdminError(400, 'validation_failed', `Invalid request: ${path}: ${message}`, [
    { path, message },
  ]);
}

/**
 * LiteLLM's `/key/*` endpoints over Switchboard's virtual keys. Every write goes through
 * VirtualKeyService / ProjectService (validation, audit, the data plane's in-memory registry).
 */
/**
 * LiteLLM's key routes may create projects (teams), so project members are refused on them by the
 * admin guard (auth/permissions.ts: not project-scoped); everyone admitted sees every project.
 */
const ALL_PROJECTS: ProjectScope = null;

@Injectable()
export class LiteLLMKeyService {
  constructor(
    private readonly repo: LiteLLMCompatRepository,
    private readonly keys: VirtualKeyService,
    private readonly projects: ProjectService,
    @Inject(KEY_CLOCK) private readonly clock: Clock,
  ) {}

  async generate(body: LiteLLMGenerateKey, actor: string): Promise<LiteLLMGeneratedKey> {
    const now = new Date(this.clock.now());
    let expiresAt: string | null = null;
    if (body.duration) {
      const at = addLiteLLMDuration(body.duration, now);
      if (!at)
        throw invalid('duration', `'${body.duration}' is not a duration such as 30s, 15m, 24h, 30d, 1mo`);
      expiresAt = at.toISOString();
    }
    let budgetPeriod: BudgetPeriod | null = body.max_budget ? 'total' : null;
    if (body.budget_duration) {
      budgetPeriod = budgetPeriodFor(body.budget_duration);
      if (!budgetPeriod)
        throw invalid(
          'budget_duration',
          `'${body.budget_duration}' has no Switchboard equivalent; budgets reset daily (1d, 24h), weekly (7d, 1w) or monthly (30d, 1mo), on calendar boundaries in UTC`,
        );
    }
    const metadata: Record<string, unknown> = {
      ...(body.metadata ?? {}),
      ...(body.user_id ? { litellm_user_id: body.user_id } : {}),
      ...(body.tags ? { tags: body.tags } : {}),
    };
    const input = createKeySchema.parse({
      projectId: await this.projectFor(body.team_id ?? null, actor),
      alias: body.key_alias ?? null,
      models: body.models ?? [],
      rpmLimit: body.rpm_limit ?? null,
      tpmLimit: body.tpm_limit ?? null,
      maxParallel: body.max_parallel_requests ?? null,
      maxBudgetUsd: body.max_budget ?? null,
      budgetPeriod,
      expiresAt,
      metadata,
    });
    const created = await this.keys.create(input, actor, ALL_PROJECTS);
    return { ...toKeyInfo(created), key: created.key, token_id: created.id };
  }

  /** `key` is the secret (`sk-sb-…`) or the key's id; the answer names the key by its id, never its secret. */
  async info(key: string): Promise<{ key: string; info: LiteLLMKeyInfo }> {
    const id = await this.resolve(key);
    if (!id) throw noSuchKey(key);
    return { key: id, info: toKeyInfo(await this.keys.get(id, ALL_PROJECTS)) };
  }

  /** Revokes (LiteLLM deletes; Switchboard keeps revoked keys for the audit trail and usage history). */
  async delete(body: LiteLLMDeleteKeys, actor: string): Promise<{ deleted_keys: string[] }> {
    const ids = new Set<string>();
    const unknown: string[] = [];
    for (const key of body.keys ?? []) {
      const id = await this.resolve(key);
      if (id) ids.add(id);
      else unknown.push(key.startsWith('sk-') ? keyDisplayPrefix(key) : key);
    }
    const aliases = body.key_aliases ?? [];
    const byAlias = await this.repo.findActiveKeyIdsByAlias(aliases);
    for (const alias of aliases) {
      const found = byAlias.filter((k) => k.alias === alias);
      if (found.length === 0) unknown.push(`alias '${alias}'`);
      for (const k of found) ids.add(k.id);
    }
    if (unknown.length > 0) {
      throw new AdminError(
        404,
        'not_found',
        `No virtual key matches ${unknown.join(', ')}; nothing was deleted.`,
      );
    }
    for (const id of ids) await this.keys.revoke(id, actor, ALL_PROJECTS);
    return { deleted_keys: [...ids] };
  }

  private async resolve(key: string): Promise<string | null> {
    if (key.startsWith('sk-')) return this.repo.findKeyIdByHash(hashVirtualKey(key));
    return (await this.repo.keyExists(key)) ? key : null;
  }

  private async projectFor(teamId: string | null, actor: string): Promise<string> {
    if (teamId !== null) {
      const id = await this.repo.findProjectId(teamId);
      if (!id)
        throw invalid(
          'team_id',
          `'${teamId}' is neither the id nor the name of a project here; create the project first, or leave team_id out to use '${COMPAT_PROJECT}'`,
        );
      return id;
    }
    const existing = await this.repo.findProjectId(COMPAT_PROJECT);
    if (existing) return existing;
    try {
      const created = await this.projects.create(
        {
          name: COMPAT_PROJECT,
          description: 'Keys created through the LiteLLM-compatible /key/generate.',
          tags: [],
        },
        actor,
      );
      return created.id;
    } catch (err) {
      // Two first calls at once: the other one created it.
      const raced = await this.repo.findProjectId(COMPAT_PROJECT);
      if (raced) return raced;
      throw err;
    }
  }
}

function noSuchKey(key: string): AdminError {
  const shown = key.startsWith('sk-') ? keyDisplayPrefix(key) : `'${key}'`;
  return new AdminError(404, 'not_found', `No virtual key matches ${shown}.`);
}

function toKeyInfo(k: VirtualKey): LiteLLMKeyInfo {
  return {
    key_name: k.prefix,
    key_alias: k.alias,
    token: k.id,
    team_id: k.projectId,
    team_alias: k.projectName ?? null,
    models: k.models,
    spend: k.spendUsd,
    max_budget: k.maxBudgetUsd,
    budget_duration: budgetDurationOf(k.budgetPeriod),
    budget_reset_at: k.budgetResetAt,
    rpm_limit: k.rpmLimit,
    tpm_limit: k.tpmLimit,
    max_parallel_requests: k.maxParallel,
    metadata: k.metadata,
    expires: k.expiresAt,
    blocked: k.revokedAt !== null,
    created_at: k.createdAt,
    updated_at: k.updatedAt,
    last_active: k.lastUsedAt,
  };
}
