import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RoutingModule } from '../routing/routing.module';
import { GATEWAY_AUTH } from '../gateway/gateway-auth';
import { KEY_CLOCK, KEY_COUNTERS } from './key-clock';
import { CLOCK } from '../common/clock';
import { InMemoryKeyCounters } from './key-counters';
import { RedisKeyCounters } from './redis-key-counters';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RedisModule, SHARED_REDIS } from '../redis/redis.module';
import type { SharedRedis } from '../redis/shared-redis';
import { VirtualKeyController } from './virtual-key.controller';
import { VirtualKeyGatewayAuth } from './virtual-key.gateway-auth';
import { VirtualKeyRepository } from './virtual-key.repository';
import { VirtualKeyService } from './virtual-key.service';

/** Virtual keys: the admin API over them and the data plane's in-memory GatewayAuth. */
@Module({
  imports: [AuditModule, RoutingModule, RedisModule],
  controllers: [VirtualKeyController],
  providers: [
    { provide: KEY_CLOCK, useExisting: CLOCK },
    {
      provide: KEY_COUNTERS,
      inject: [SHARED_REDIS, APP_CONFIG],
      useFactory: (redis: SharedRedis | null, config: AppConfig) =>
        redis
          ? new RedisKeyCounters(redis, { slotTtlMs: config.upstreamTimeoutMs + 60_000 })
          : new InMemoryKeyCounters(),
    },
    VirtualKeyRepository,
    VirtualKeyGatewayAuth,
    VirtualKeyService,
    { provide: GATEWAY_AUTH, useExisting: VirtualKeyGatewayAuth },
  ],
  exports: [GATEWAY_AUTH, VirtualKeyGatewayAuth, VirtualKeyService, KEY_CLOCK],
})
export class KeysModule {}
