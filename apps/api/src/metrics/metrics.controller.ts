import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/public.decorator';
import { MetricsService } from './metrics.service';

/** Prometheus scrape endpoint; public like /health, and it carries no ids or secrets. */
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  async scrape(@Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    void res.header('content-type', this.metrics.contentType);
    return this.metrics.scrape();
  }
}
