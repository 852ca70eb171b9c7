import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AdminCaller } from '../auth/caller';
import { AdminError } from '../common/errors';

/** `@CurrentCaller() caller: AdminCaller`: who the admin guard admitted. */
export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): AdminCaller => {
  const caller = ctx.switchToHttp().getRequest<FastifyRequest>().caller;
  // Only reachable on a route someone marked @Public() by mistake.
  if (!caller) throw new AdminError(401, 'unauthorized', 'Sign in first.');
  return caller;
});
