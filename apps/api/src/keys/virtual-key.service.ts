import { inScope, type ProjectScope } from '../auth/caller';
import { Inject, Injectable } from '@nestjs/common';
import type {
  BudgetPeriod,
  CreatedKey,
  createKeySchema,
  keyListQuerySchema,
  rotateKeySchema,
  updateKeySchema,
  VirtualKey,
  virtualKeyPageSchema,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, invalidCursor, pageFrom } from '../common/page-cursor';
import { AdminError } from '../common/errors';
import type { Clock } from '../common/clock';
import { isBudgetPeriod, nextBudgetReset } from './budget-period';
import { KEY_CLOCK } from './key-clock';
import { formatUtc } from './key-registry';
import { generateVirtualKey, hashVirtualKey, keyDisplayPrefix } from './key-secret';
import { VirtualKeyGatewayAuth } from './virtual-key.gateway-auth';
import {
  type KeyChanges,
  type KeyPosition,
  type KeyRow,
  type KeyWrite,
  VirtualKeyRepository,
} from './virtual-key.repository';
import { virtualKeySnapshot } from './virtual-key.snapshot';

export type CreateKeyInput = z.output<typeof createKeySchema>;
export type UpdateKeyInput = z.output<typeof updateKeySchema>;
export type RotateKeyInput = z.output<typeof rotateKeySchema>;
export type KeyListQuery = z.output<typeof keyListQuerySchema>;
export type KeyPage = z.output<typeof virtualKeyPageSchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class VirtualKeyService {
  constructor(
    private readonly repo: VirtualKeyRepository,
    private readonly audit: AuditService,
    private readonly gatewayAuth: VirtualKeyGatewayAuth,
    @Inject(KEY_CLOCK) private readonly clock: Clock,
  ) {}

  /** Keys of the projects in `scope` (null: all). */
  async list(query: KeyListQuery, scope: ProjectScope): Promise<KeyPage> {
    const rows = await this.repo.findPage(
      { projectId: query.projectId, projectIds: scope, includeRevoked: query.includeRevoked ?? false },
      decodePosition(query.cursor),
      query.limit + 1,
    );
    const page = pageFrom(rows, query.limit, (k) => `${k.createdAt.toISOString()}|${k.id}`);
    return { data: page.rows.map((k) => this.toResponse(k)), nextCursor: page.nextCursor };
  }

  /** A key of a project outside `scope` is answered like a missing one. */
  async get(id: string, scope: ProjectScope): Promise<VirtualKey> {
    const key = UUID.test(id) ? await this.repo.findById(id) : null;
    if (!key || !inScope(scope, key.projectId)) throw notFound(id);
    return this.toResponse(key);
  }

  async create(input: CreateKeyInput, actor: string, scope: ProjectScope): Promise<CreatedKey> {
    const now = this.clock.now();
    const expiresAt = this.futureDate(input.expiresAt, now);
    // A project outside the caller's scope is answered like a missing one.
    if (!inScope(scope, input.projectId) || !(await this.repo.projectExists(input.projectId))) {
      throw invalid('projectId', `there is no project with id ${input.projectId}; create the project first`);
    }
    const secret = generateVirtualKey();
    const created = await this.repo.create(
      {
        keyHash: hashVirtualKey(secret),
        prefix: keyDisplayPrefix(secret),
        projectId: input.projectId,
        alias: input.alias,
        models: input.models,
        rpmLimit: input.rpmLimit,
        tpmLimit: input.tpmLimit,
        maxParallel: input.maxParallel,
        endUserRpmLimit: input.endUserRpmLimit,
        endUserDailyBudgetUsd: input.endUserDailyBudgetUsd,
        maxBudgetUsd: input.maxBudgetUsd,
        budgetPeriod: input.budgetPeriod,
        budgetResetAt: nextBudgetReset(input.budgetPeriod, now),
        expiresAt,
        metadata: input.metadata as object,
      },
      (w) => this.record(actor, 'key.create', w),
    );
    await this.gatewayAuth.changed();
    return { ...this.toResponse(created), key: secret };
  }

  async update(id: string, patch: UpdateKeyInput, actor: string, scope: ProjectScope): Promise<VirtualKey> {
    const now = this.clock.now();
    const expiresAt = patch.expiresAt === undefined ? undefined : this.futureDate(patch.expiresAt, now);
    const result = UUID.test(id)
      ? await this.repo.update(
          id,
          (before) => {
            if (!inScope(scope, before.projectId)) throw notFound(id);
            if (before.revokedAt) throw revoked(before);
            const { metadata, ...fields } = patch;
            const data: KeyChanges = { ...fields, expiresAt };
            if (metadata !== undefined) data.metadata = metadata as object;
            if (patch.budgetPeriod !== undefined && patch.budgetPeriod !== before.budgetPeriod) {
              // A new kind of period starts now; a total budget counts everything ever spent.
              data.budgetResetAt = nextBudgetReset(patch.budgetPeriod, now);
              data.periodSpendUsd =
                patch.budgetPeriod === 'total' || patch.budgetPeriod === null ? before.spendUsd : 0;
            }
            return data;
          },
          (w) => this.record(actor, 'key.update', w),
        )
      : null;
    if (!result) throw notFound(id);
    await this.gatewayAuth.changed();
    return this.toResponse(result.after);
  }

  /** Idempotent: revoking a revoked key answers it unchanged. */
  async revoke(id: string, actor: string, scope: ProjectScope): Promise<VirtualKey> {
    const now = new Date(this.clock.now());
    const result = UUID.test(id)
      ? await this.repo.update(
          id,
          (before) => {
            if (!inScope(scope, before.projectId)) throw notFound(id);
            return before.revokedAt ? null : { revokedAt: now };
          },
          (w) => this.record(actor, 'key.revoke', w),
        )
      : null;
    if (!result) throw notFound(id);
    await this.gatewayAuth.changed();
    return this.toResponse(result.after);
  }

  async rotate(id: string, input: RotateKeyInput, actor: string, scope: ProjectScope): Promise<CreatedKey> {
    const now = this.clock.now();
    const secret = generateVirtualKey();
    const rotated = UUID.test(id)
      ? await this.repo.rotate(
          id,
          {
            keyHash: hashVirtualKey(secret),
            prefix: keyDisplayPrefix(secret),
            previousValidUntil:
              input.gracePeriodSeconds > 0 ? new Date(now + input.gracePeriodSeconds * 1000) : null,
          },
          (before) => {
            if (!inScope(scope, before.projectId)) throw notFound(id);
            if (before.revokedAt) throw revoked(before);
          },
          (w) => this.record(actor, 'key.rotate', w),
        )
      : null;
    if (!rotated) throw notFound(id);
    await this.gatewayAuth.changed();
    return { ...this.toResponse(rotated), key: secret };
  }

  private futureDate(iso: string | null, now: number): Date | null {
    if (iso === null) return null;
    const date = new Date(iso);
    if (date.getTime() <= now) throw invalid('expiresAt', 'must be in the future');
    return date;
  }

  private async record(actor: string, action: string, w: KeyWrite): Promise<void> {
    await this.audit.record(
      {
        actor,
        action,
        targetType: 'virtual_key',
        targetId: w.after.id,
        before: w.before && virtualKeySnapshot(w.before),
        after: virtualKeySnapshot(w.after),
      },
      w.tx,
    );
  }

  private toResponse(key: KeyRow): VirtualKey {
    const lastUsedAt = latest(key.lastUsedAt, this.gatewayAuth.registry.lastUsedAt(key.id));
    return {
      id: key.id,
      projectId: key.projectId,
      projectName: key.project.name,
      alias: key.alias,
      prefix: key.prefix,
      models: key.models,
      rpmLimit: key.rpmLimit,
      tpmLimit: key.tpmLimit,
      maxParallel: key.maxParallel,
      endUserRpmLimit: key.endUserRpmLimit,
      endUserDailyBudgetUsd: key.endUserDailyBudgetUsd,
      maxBudgetUsd: key.maxBudgetUsd,
      budgetPeriod: isBudgetPeriod(key.budgetPeriod) ? (key.budgetPeriod satisfies BudgetPeriod) : null,
      budgetResetAt: key.budgetResetAt?.toISOString() ?? null,
      periodSpendUsd: key.periodSpendUsd,
      spendUsd: key.spendUsd,
      expiresAt: key.expiresAt?.toISOString() ?? null,
      metadata: isRecord(key.metadata) ? key.metadata : {},
      lastUsedAt: lastUsedAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
      createdAt: key.createdAt.toISOString(),
      updatedAt: key.updatedAt.toISOString(),
    };
  }
}

function decodePosition(cursor: string | undefined): KeyPosition | null {
  const raw = decodeCursor(cursor);
  if (raw === null) return null;
  const [iso, id] = raw.split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) throw invalidCursor();
  return { createdAt, id };
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notFound(id: string): AdminError {
  return new AdminError(404, 'not_found', `There is no virtual key with id '${id}'.`);
}

function revoked(key: KeyRow): AdminError {
  return new AdminError(
    409,
    'conflict',
    `Key '${key.alias ?? key.prefix}' was revoked on ${formatUtc(key.revokedAt ?? new Date())}; create a new key instead.`,
  );
}

function invalid(path: string, message: string): AdminError {
  return new AdminError(400, 'validation_failed', `Invalid request: ${path}: ${message}`, [
    { path, message },
  ]);
}
