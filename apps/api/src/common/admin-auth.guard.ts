import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
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
   * `session:<id>` when the request carries a valid, unexpired session cookie, else null. May set a
   * refreshed cookie on the reply (sliding expiry).
   */
  actorFor(req: FastifyRequest, reply: FastifyReply): Promise<string | null>;
}

export const ADMIN_SESSION_AUTH = Symbol('ADMIN_SESSION_AUTH');

/**
 * Deny by default: every route needs the master key (`Authorization: Bearer`) or a console session
 * cookie unless it is marked @Public() (health, and the data plane, which authenticates its own keys in
 * memory). Sets `request.actor` (`master-key` or `session:<id>`) for the audit trail.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ADMIN_SESSION_AUTH) private readonly sessions: AdminSessionAuth,
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
      if (safeEqual(token, this.config.masterKey)) {
        req.actor = 'master-key';
        return true;
      }
      throw new AdminError(
        401,
        'unauthorized',
        token.startsWith('sk-sb-')
          ? 'Virtual keys only work on the OpenAI-compatible API (/v1/…). The admin API needs the master key or a console session.'
          : 'Wrong master key. Send it as `Authorization: Bearer <MASTER_KEY>`, or sign in to the console.',
      );
    }
    const actor = await this.sessions.actorFor(req, http.getResponse<FastifyReply>());
    if (actor) {
      req.actor = actor;
      return true;
    }
    throw new AdminError(
      401,
      'unauthorized',
      'Sign in to the console, or send the master key as `Authorization: Bearer <MASTER_KEY>`.',
    );
  }
}
