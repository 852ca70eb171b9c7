import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock, RANDOM, type RandomSource } from '../common/clock';
import { RedisModule, SHARED_REDIS } from '../redis/redis.module';
import type { SharedRedis } from '../redis/shared-redis';
import { DeploymentStateStore } from './deployment-state';
import { LiveConfigService } from './live-config.service';
import { RedisUsageCounters } from './redis-usage-counters';
import { SharedCooldowns } from './shared-cooldowns';
import { Router } from './router';
import { RouterRegistry } from './router-registry';
import { RoutingConfigRepository } from './routing-config.repository';

/** With REDIS_URL, cooldowns are shared by every instance (see SharedCooldowns). */
@Injectable()
class CooldownSharing implements OnModuleInit {
  private readonly shared: SharedCooldowns | null;

  constructor(
    @Inject(SHARED_REDIS) redis: SharedRedis | null,
    state: DeploymentStateStore,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.shared = redis ? new SharedCooldowns(redis, state, clock) : null;
  }

  async onModuleInit(): Promise<void> {
    await this.shared?.start();
  }
}

/** The live router: registry (served from memory), strategies and state, kept in sync with the database. */
@Module({
  imports: [RedisModule],
  providers: [
    { provide: RouterRegistry, useFactory: () => new RouterRegistry() },
    { provide: DeploymentStateStore, useFactory: () => new DeploymentStateStore() },
    {
      provide: Router,
      // With REDIS_URL, deployments' rpm/tpm are counted by every instance together.
      useFactory: (
        registry: RouterRegistry,
        state: DeploymentStateStore,
        redis: SharedRedis | null,
        clock: Clock,
        random: RandomSource,
      ) =>
        new Router({
          registry,
          state,
          clock,
          random,
          ...(redis ? { counters: new RedisUsageCounters(redis) } : {}),
        }),
      inject: [RouterRegistry, DeploymentStateStore, SHARED_REDIS, CLOCK, RANDOM],
    },
    CooldownSharing,
    RoutingConfigRepository,
    LiveConfigService,
  ],
  exports: [RouterRegistry, Router, LiveConfigService],
})
export class RoutingModule {}
