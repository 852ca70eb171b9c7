import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/public.decorator';
import { HealthService } from './health.service';

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('liveliness')
  @HttpCode(200)
  liveliness() {
    return { status: 'ok' };
  }

  /** 200 while the router can serve traffic, even with the database down (see HealthService). */
  @Get('readiness')
  readiness(@Res({ passthrough: true }) res: FastifyReply) {
    const report = this.health.readinessReport();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }

  /** Full detail (database, migrations); the status code follows readiness. */
  @Get()
  async all(@Res({ passthrough: true }) res: FastifyReply) {
    const report = await this.health.healthReport();
    res.status(report.readiness.status === 'ok' ? 200 : 503);
    return report;
  }
}
