import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who is acting, for the audit trail. Only the master key exists so far. */
export const MASTER_KEY_ACTOR = 'master-key';

/**
 * The actor of an admin request: whatever an auth guard put on `request.actor` (e.g. `session:<id>` once
 * dashboard sessions exist), else the master key, which is the only other way past the admin guard.
 */
export function actorOf(request: FastifyRequest): string {
  const actor: unknown = (request as FastifyRequest & { actor?: unknown }).actor;
  return typeof actor === 'string' && actor.length > 0 ? actor : MASTER_KEY_ACTOR;
}

/** `@Actor() actor: string` in a controller handler. */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): string =>
  actorOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
