import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_TOKEN_PREFIX, ApiTokenService } from '../accounts/api-token.service';
import { SESSION_COOKIE } from '../auth/auth-options';
import { type AdminCaller, masterKeyCaller } from '../auth/caller';
import { parseCookies } from '../auth/cookies';
import { roleAllows, routeIsProjectScoped, routePermission } from '../auth/permissions';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FailedAuthThrottle } from '../security/failed-auth-throttle';
import { safeEqual } from './crypto';
import { AdminError } from './errors';
import { IS_PUBLIC } from './public.decorator';

export function bearerToken(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer '))
    return auth.slice(7).trim() || null;
  return null;
}

/** Console sign-in as the guard sees it (implemented in ../auth). */
export interface AdminSessionAuth {
  /**
   * The caller of a valid, unexpired session cookie (an account's, or a master-key session acting as
   * admin), else null. May set a refreshed cookie on the reply (sliding expiry).
   */
  callerFor(req: FastifyRequest, reply: FastifyReply): Promise<AdminCaller | null>;
}

export const ADMIN_SESSION_AUTH = Symbol('ADMIN_SESSION_AUTH');

/**
 * Deny by default: every route needs the master key (`Authorization: Bearer`) or a console session
 * cookie unless it is marked @Public() (health, and the data plane, which authenticates its own keys in
 * memory), and then the permission auth/permissions.ts names for it (admin only when it names none).
 * Sets `request.caller` and `request.actor` (`master-key` or `session:<id>`) for the audit trail. Failed
 * credential checks count against the caller's address (FailedAuthThrottle).
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ADMIN_SESSION_AUTH) private readonly sessions: AdminSessionAuth,
    private readonly failedAuth: FailedAuthThrottle,
    private readonly apiTokens: ApiTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest & { actor?: string }>();
    const token = bearerToken(req);
    if (token !== null) {
      // A bearer token must be the master key; a wrong one never falls back to the cookie.
      if (safeEqual(token, this.config.masterKey)) return this.admit(req, masterKeyCaller('master-key'));
      if (token.startsWith(API_TOKEN_PREFIX)) {
        const caller = await this.apiTokens.callerFor(token);
        if (caller) return this.admit(req, caller);
      }
      this.refuseGuess(req, http.getResponse<FastifyReply>());
      throw new AdminError(
        401,
        'unauthorized',
        token.startsWith(API_TOKEN_PREFIX)
          ? 'This API token is unknown, expired or revoked, or its account is disabled.'
          : token.startsWith('sk-sb-')
            ? 'Virtual keys only work on the OpenAI-compatible API (/v1/…). The admin API needs the master key or a console session.'
            : 'Wrong master key. Send it as `Authorization: Bearer <MASTER_KEY>`, or sign in to the console.',
      );
    }
    const caller = await this.sessions.callerFor(req, http.getResponse<FastifyReply>());
    if (caller) return this.admit(req, caller);
    // A cookie that names no live session is a failed check; no credential at all is not a guess.
    if (parseCookies(headerValue(req.headers.cookie)).has(SESSION_COOKIE))
      this.refuseGuess(req, http.getResponse<FastifyReply>());
    throw new AdminError(
      401,
      'unauthorized',
      'Sign in to the console, or send the master key as `Authorization: Bearer <MASTER_KEY>`.',
    );
  }

  /** Checks the route's permission (deny by default) and puts the caller on the request. */
  private admit(req: FastifyRequest & { actor?: string }, caller: AdminCaller): true {
    const pattern = req.routeOptions.url ?? req.url;
    const permission = routePermission(req.method, pattern);
    if (!roleAllows(caller.role, permission))
      throw new AdminError(
        403,
        'forbidden',
        permission
          ? `Your role (${caller.role}) lacks the \`${permission}\` permission this needs.`
          : `Only admins may call ${req.method} ${pattern}.`,
        { permission },
      );
    if (caller.projectIds !== null && !routeIsProjectScoped(req.method, pattern))
      throw new AdminError(
        403,
        'forbidden',
        `${req.method} ${pattern} is not narrowed to projects, so project members cannot use it.`,
        { permission },
      );
    req.caller = caller;
    req.actor = caller.actor;
    return true;
  }

  /**
   * Counts a credential that failed its check and answers 429 once the address has failed too often. Only
   * failures reach here, so a valid credential is never refused by the throttle.
   */
  private refuseGuess(req: FastifyRequest, reply: FastifyReply): void {
    const wait = this.failedAuth.retryAfterSeconds(req.ip);
    if (wait > 0) {
      void reply.header('retry-after', String(wait));
      throw new AdminError(
        429,
        'too_many_attempts',
        `Too many failed credential checks from this address; try again in ${wait} s.`,
      );
    }
    this.failedAuth.recordFailure(req.ip);
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join('; ') : value;
}
