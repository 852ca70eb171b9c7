import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthRepository } from './health.repository';
import { HealthService } from './health.service';
import { MetricsModule } from '../metrics/metrics.module';
import { RoutingModule } from '../routing/routing.module';
import { RedisModule } from '../redis/redis.module';

@Module({
  imports: [MetricsModule, RoutingModule, RedisModule],
  controllers: [HealthController],
  providers: [HealthService, HealthRepository],
})
export class HealthModule {}
