import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
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

/**
 * Deny by default: every route needs the master key unless it is marked @Public()
 * (health, and the data plane, which authenticates its own keys in memory).
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(req);
    if (token && safeEqual(token, this.config.masterKey)) return true;
    throw new AdminError(401, 'unauthorized', 'Send the master key as `Authorization: Bearer <MASTER_KEY>`.');
  }
}
