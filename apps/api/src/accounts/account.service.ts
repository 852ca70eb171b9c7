import { Injectable } from '@nestjs/common';
import type {
  Account,
  AccountInvite,
  CreateAccountInput,
  PageQuery,
  UpdateAccountInput,
} from '@switchboard/contracts';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import type { AdminCaller } from '../auth/caller';
import { hashPassword } from '../auth/password-hasher';
import { sha256Hex } from '../common/crypto';
import { AdminError } from '../common/errors';
import type { Account as AccountRow } from '../generated/prisma/client';
import { toAccountDto } from './account.dto';
import { AccountRepository, type Tx } from './account.repository';

const INVITE_TTL_MS = 72 * 3600_000;
const RESET_TTL_MS = 24 * 3600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Operator accounts: invites, role changes, disabling, password resets (admins only, by route permission). */
@Injectable()
export class AccountService {
  constructor(
    private readonly repo: AccountRepository,
    private readonly audit: AuditService,
  ) {}

  async list(query: PageQuery): Promise<{ data: Account[]; nextCursor: string | null }> {
    const rows = await this.repo.list(query.limit, query.cursor);
    const page = rows.slice(0, query.limit);
    return {
      data: page.map(toAccountDto),
      nextCursor: rows.length > query.limit ? (page.at(-1)?.email ?? null) : null,
    };
  }

  async get(id: string): Promise<Account> {
    const row = UUID.test(id) ? await this.repo.findById(id) : null;
    if (!row) throw notFound();
    return toAccountDto(row);
  }

  async create(input: CreateAccountInput, caller: AdminCaller): Promise<AccountInvite> {
    if (input.role === 'project-member') await this.requireProjects(input.projectIds);
    const { token, hash, expiresAt } = oneTimeToken(INVITE_TTL_MS);
    const row = await this.repo.create(
      {
        email: input.email,
        displayName: input.displayName,
        role: input.role,
        projectIds: input.role === 'project-member' ? input.projectIds : [],
      },
      { hash, purpose: 'invite', expiresAt },
      (tx, account) => this.record(tx, caller, 'account.create', account.id, null, snapshot(account)),
    );
    if (!row) throw new AdminError(409, 'email_taken', `An account with ${input.email} exists already.`);
    return invite(row, token, expiresAt);
  }

  async update(id: string, patch: UpdateAccountInput, caller: AdminCaller): Promise<Account> {
    if (!UUID.test(id)) throw notFound();
    if (patch.projectIds) await this.requireProjects(patch.projectIds);
    const row = await this.repo.update(
      id,
      async (tx, before) => {
        const role = patch.role ?? before.role;
        const status = patch.status ?? before.status;
        const losesAdmin = before.role === 'admin' && before.status === 'active';
        if (losesAdmin && (role !== 'admin' || status !== 'active')) {
          if ((await this.repo.countOtherActiveAdmins(tx, id)) === 0)
            throw new AdminError(
              409,
              'last_admin',
              'This is the last active admin: make another account admin first, so someone can still manage accounts.',
            );
        }
        if (status === 'disabled' && before.status !== 'disabled') await this.repo.endSessionsTx(tx, id);
        return {
          ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
          role,
          status,
          projectIds: role === 'project-member' ? (patch.projectIds ?? before.projectIds) : ([] as string[]),
        };
      },
      (tx, before, after) =>
        this.record(tx, caller, accountAction(before, after), id, snapshot(before), snapshot(after)),
    );
    if (!row) throw notFound();
    return toAccountDto(row);
  }

  /** A project member's projects must exist (a deleted project later simply drops out of their view). */
  private async requireProjects(projectIds: readonly string[]): Promise<void> {
    const unknown = await this.repo.unknownProjects(projectIds);
    if (unknown.length > 0)
      throw new AdminError(
        400,
        'validation_failed',
        `Invalid request: projectIds: there is no project with id ${unknown.join(', ')}`,
        [{ path: 'projectIds', message: `there is no project with id ${unknown.join(', ')}` }],
      );
  }

  /** A new one-time set-password link (24 h); the account's sessions end now. */
  async resetPassword(id: string, caller: AdminCaller): Promise<AccountInvite> {
    if (!UUID.test(id)) throw notFound();
    const { token, hash, expiresAt } = oneTimeToken(RESET_TTL_MS);
    const row = await this.repo.update(
      id,
      async (tx, before) => {
        await this.repo.endSessionsTx(tx, id);
        await this.repo.addToken(tx, { hash, accountId: id, purpose: 'reset', expiresAt });
        return { passwordHash: before.passwordHash };
      },
      (tx) => this.record(tx, caller, 'account.password_reset', id, null, { expiresAt }),
    );
    if (!row) throw notFound();
    return invite(row, token, expiresAt);
  }

  /** `POST /api/auth/set-password`: the link is single-use and expires. */
  async setPassword(token: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const row = await this.repo.consumeToken(
      sha256Hex(token),
      new Date(),
      passwordHash,
      (tx, account, purpose) =>
        this.audit.record(
          {
            actor: `account:${account.email}`,
            action: 'account.password_set',
            targetType: 'account',
            targetId: account.id,
            before: null,
            after: { via: purpose },
          },
          tx,
        ),
    );
    if (!row)
      throw new AdminError(
        400,
        'invalid_token',
        'This link is unknown, used already or expired: ask an admin for a new one.',
      );
  }

  private record(
    tx: Tx,
    caller: AdminCaller,
    action: string,
    id: string,
    before: unknown,
    after: unknown,
  ): Promise<void> {
    return this.audit.record(
      { actor: caller.actor, action, targetType: 'account', targetId: id, before, after },
      tx,
    );
  }
}

function oneTimeToken(ttlMs: number): { token: string; hash: string; expiresAt: Date } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256Hex(token), expiresAt: new Date(Date.now() + ttlMs) };
}

function invite(row: AccountRow, token: string, expiresAt: Date): AccountInvite {
  return {
    account: toAccountDto(row),
    setPasswordUrl: `/set-password?token=${token}`,
    expiresAt: expiresAt.toISOString(),
  };
}

/** The audit trail names what changed: disabling and role changes stand out from other edits. */
function accountAction(before: AccountRow, after: AccountRow): string {
  if (after.status === 'disabled' && before.status !== 'disabled') return 'account.disable';
  if (after.status === 'active' && before.status !== 'active') return 'account.enable';
  if (after.role !== before.role) return 'account.role_change';
  return 'account.update';
}

function snapshot(a: AccountRow) {
  return {
    email: a.email,
    displayName: a.displayName,
    role: a.role,
    projectIds: a.projectIds,
    status: a.status,
  };
}

function notFound(): AdminError {
  return new AdminError(404, 'not_found', 'No such account.');
}
