import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from '../common/admin-auth.guard';
import { safeEqual } from '../common/crypto';
import { AdminError } from '../common/errors';
import { Public } from '../common/public.decorator';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint. It names deployments and traffic, so it takes `METRICS_TOKEN` as a bearer
 * token when one is set; without one it is public in development and needs the master key in production.
 */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'env' | 'metricsToken' | 'masterKey'>,
  ) {}

  @Get()
  async scrape(@Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    this.authorize(bearerToken(req));
    void res.header('content-type', this.metrics.contentType);
    return this.metrics.scrape();
  }

  private authorize(token: string | null): void {
    const { metricsToken, masterKey, env } = this.config;
    if (metricsToken === undefined && env !== 'production') return;
    const allowed = metricsToken !== undefined ? [metricsToken, masterKey] : [masterKey];
    if (token !== null && allowed.some((secret) => safeEqual(token, secret))) return;
    throw new AdminError(
      401,
      'unauthorized',
      metricsToken !== undefined
        ? 'Send METRICS_TOKEN as `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: … }`).'
        : 'Set METRICS_TOKEN and send it as `Authorization: Bearer <token>`; without it, /metrics needs the master key in production.',
    );
  }
}
