import { Injectable } from '@nestjs/common';
import type { ApiToken as ApiTokenDto, createApiTokenSchema } from '@switchboard/contracts';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import type { AdminCaller } from '../auth/caller';
import { sha256Hex } from '../common/crypto';
import { AdminError } from '../common/errors';
import type { ApiToken } from '../generated/prisma/client';
import { toAccountDto } from './account.dto';
import { ApiTokenRepository } from './api-token.repository';

export const API_TOKEN_PREFIX = 'sb-admin-';
/** How long a token look-up is trusted (a revoke elsewhere, or a disabled account, shows up after this). */
const CACHE_MS = 5_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LAST_USED_EVERY_MS = 60_000;
const MAX_CACHED = 1_000;

interface Cached {
  caller: AdminCaller | null;
  expiresAtMs: number | null;
  cachedAtMs: number;
}

/** Personal admin API tokens: act with their account's role; stored only as SHA-256 hashes. */
@Injectable()
export class ApiTokenService {
  // Keyed by the token's hash only: the token itself is never kept.
  private readonly cache = new Map<string, Cached & { id: string }>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly repo: ApiTokenRepository,
    private readonly audit: AuditService,
  ) {}

  /** The caller a token acts as, or null when it is unknown, expired, revoked or its account is disabled. */
  async callerFor(token: string): Promise<AdminCaller | null> {
    const hash = sha256Hex(token);
    const now = Date.now();
    let cached = this.cache.get(hash);
    if (!cached || now - cached.cachedAtMs >= CACHE_MS) {
      const row = await this.repo.findByHash(hash);
      if (!row) {
        this.cache.delete(hash);
        return null;
      }
      const account = toAccountDto(row.account);
      const live = row.revokedAt === null && account.status === 'active';
      cached = {
        id: row.id,
        caller: live
          ? {
              kind: 'api-token',
              role: account.role,
              accountId: account.id,
              projectIds: account.role === 'project-member' ? account.projectIds : null,
              actor: `api-token:${row.name} (${account.email})`,
            }
          : null,
        expiresAtMs: row.expiresAt?.getTime() ?? null,
        cachedAtMs: now,
      };
      this.remember(hash, cached);
    }
    if (!cached.caller || (cached.expiresAtMs !== null && cached.expiresAtMs <= now)) return null;
    this.noteUse(cached.id, now);
    return cached.caller;
  }

  async list(caller: AdminCaller): Promise<ApiTokenDto[]> {
    return (await this.repo.listActiveByAccount(accountOf(caller))).map(toApiTokenDto);
  }

  async create(
    caller: AdminCaller,
    input: z.output<typeof createApiTokenSchema>,
  ): Promise<{ token: string; apiToken: ApiTokenDto }> {
    const accountId = accountOf(caller);
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt =
      input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * 86_400_000);
    const row = await this.repo.create(
      {
        accountId,
        name: input.name,
        tokenHash: sha256Hex(token),
        hint: `${token.slice(0, API_TOKEN_PREFIX.length + 4)}…`,
        expiresAt,
      },
      (tx, created) =>
        this.audit.record(
          {
            actor: caller.actor,
            action: 'api_token.create',
            targetType: 'api_token',
            targetId: created.id,
            before: null,
            after: { name: created.name, hint: created.hint, expiresAt: created.expiresAt },
          },
          tx,
        ),
    );
    return { token, apiToken: toApiTokenDto(row) };
  }

  async revoke(caller: AdminCaller, id: string): Promise<void> {
    const accountId = accountOf(caller);
    const revoked =
      UUID.test(id) &&
      (await this.repo.revoke(accountId, id, new Date(), (tx, token) =>
        this.audit.record(
          {
            actor: caller.actor,
            action: 'api_token.revoke',
            targetType: 'api_token',
            targetId: token.id,
            before: { name: token.name, hint: token.hint },
            after: null,
          },
          tx,
        ),
      ));
    if (!revoked) throw new AdminError(404, 'not_found', 'No such token (or it was revoked already).');
    // This instance stops honouring it at once; others within CACHE_MS.
    for (const [hash, cached] of this.cache) if (cached.id === id) this.cache.delete(hash);
  }

  /** lastUsedAt at most once a minute per token, off the request path. */
  private noteUse(id: string, now: number): void {
    const last = this.lastUsedWritten.get(id) ?? 0;
    if (now - last < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(id, now);
    if (this.lastUsedWritten.size > MAX_CACHED) this.lastUsedWritten.clear();
    this.repo.touchLastUsed(id, new Date(now)).catch(() => undefined);
  }

  private remember(hash: string, entry: Cached & { id: string }): void {
    this.cache.delete(hash);
    if (this.cache.size >= MAX_CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(hash, entry);
  }
}

export function accountOf(caller: AdminCaller): string {
  if (caller.accountId === null)
    throw new AdminError(400, 'no_account', 'The master key has no account: sign in as an account for this.');
  return caller.accountId;
}

function toApiTokenDto(row: ApiToken): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    hint: row.hint,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
