import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminError } from '../common/errors';
import type { ProjectScope } from './caller';

/**
 * `@CallerScope() scope: ProjectScope`: the projects the admitted caller may see and change (null = all).
 * Services that list or change projects, keys and usage narrow every query and write to it.
 */
export const CallerScope = createParamDecorator((_data: unknown, ctx: ExecutionContext): ProjectScope => {
  const caller = ctx.switchToHttp().getRequest<FastifyRequest>().caller;
  // Only reachable on a route someone marked @Public() by mistake: fail closed.
  if (!caller) throw new AdminError(401, 'unauthorized', 'Sign in first.');
  return caller.projectIds;
});
