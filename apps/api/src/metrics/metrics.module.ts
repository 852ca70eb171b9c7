import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Prometheus metrics: GET /metrics, and MetricsService for the gateway to report each request. */
@Module({
  // Deployment names and states for the gauges.
  imports: [RoutingModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
