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

  @Get('readiness')
  async readiness(@Res({ passthrough: true }) res: FastifyReply) {
    const report = await this.health.readinessReport();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }

  @Get()
  async all(@Res({ passthrough: true }) res: FastifyReply) {
    const readiness = await this.health.readinessReport();
    res.status(readiness.status === 'ok' ? 200 : 503);
    return { status: readiness.status, liveliness: { status: 'ok' }, readiness };
  }
}
