import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller, changePasswordSchema } from '@switchboard/contracts';
import type { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { AdminSessionService } from '../auth/admin-session.service';
import { type AdminCaller, callerPermissions } from '../auth/caller';
import { AdminError } from '../common/errors';
import { hashPassword, verifyPassword } from '../auth/password-hasher';
import { toAccountDto } from './account.dto';
import { AccountRepository } from './account.repository';
import { accountOf } from './api-token.service';

/** The signed-in account's own profile. */
@Injectable()
export class MeService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly sessions: AdminSessionService,
    private readonly audit: AuditService,
  ) {}

  async me(caller: AdminCaller): Promise<Caller> {
    const account = await this.accounts.findById(accountOf(caller));
    if (!account) throw new AdminError(401, 'unauthorized', 'This account no longer exists.');
    return {
      authenticated: true,
      kind: caller.kind,
      account: toAccountDto(account),
      role: caller.role,
      permissions: [...callerPermissions(caller)],
      projectIds: caller.projectIds ? [...caller.projectIds] : null,
      expiresAt: null,
    };
  }

  /**
   * `POST /api/me/password`: needs the current password (an SSO-only account has none: an admin sends it a
   * set-password link). The account's other console sessions end; this one stays signed in.
   */
  async changePassword(
    caller: AdminCaller,
    body: z.output<typeof changePasswordSchema>,
    req: FastifyRequest,
  ): Promise<void> {
    const account = await this.accounts.findById(accountOf(caller));
    if (!account) throw new AdminError(401, 'unauthorized', 'This account no longer exists.');
    if (!account.passwordHash)
      throw new AdminError(
        400,
        'no_password',
        'This account signs in with single sign-on and has no password; an admin can send you a set-password link.',
      );
    if (!(await verifyPassword(account.passwordHash, body.currentPassword)))
      throw new AdminError(
        400,
        'validation_failed',
        'Invalid request: currentPassword: is not your password',
        [{ path: 'currentPassword', message: 'is not your password' }],
      );
    await this.accounts.setPasswordHash(account.id, await hashPassword(body.newPassword), (tx) =>
      this.audit.record(
        {
          actor: caller.actor,
          action: 'account.password_change',
          targetType: 'account',
          targetId: account.id,
          before: null,
          after: null,
        },
        tx,
      ),
    );
    await this.sessions.endAccountSessions(account.id, req, true);
  }

  /** `POST /api/me/sessions/revoke`: every console session of the account ends, this one included. */
  async signOutEverywhere(caller: AdminCaller, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const accountId = accountOf(caller);
    const ended = await this.sessions.endAccountSessions(accountId, req, false);
    await this.audit.record({
      actor: caller.actor,
      action: 'account.sign_out_everywhere',
      targetType: 'account',
      targetId: accountId,
      before: null,
      after: { sessionsEnded: ended },
    });
    this.sessions.clearCookie(req, reply);
  }
}
