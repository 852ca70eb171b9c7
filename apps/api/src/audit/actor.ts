import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Who is acting, for the audit trail: `master-key`, `account:<email>`, `api-token:<name> (<email>)`, or
 * `session:<id>` for a console session opened with the master key (set by AdminAuthGuard).
 */
export const MASTER_KEY_ACTOR = 'master-key';

/**
 * The actor of an admin request: what AdminAuthGuard put on `request.actor`, else the master key.
 */
export function actorOf(request: FastifyRequest): string {
  const actor: unknown = (request as FastifyRequest & { actor?: unknown }).actor;
  return typeof actor === 'string' && actor.length > 0 ? actor : MASTER_KEY_ACTOR;
}

/** `@Actor() actor: string` in a controller handler. */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): string =>
  actorOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
