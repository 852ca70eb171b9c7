import { Inject, Injectable, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock, RANDOM, type RandomSource } from '../common/clock';
import { RedisModule, SHARED_REDIS } from '../redis/redis.module';
import type { SharedRedis } from '../redis/shared-redis';
import { type DeploymentStateStore, InMemoryDeploymentState } from './deployment-state';
import { LiveConfigService } from './live-config.service';
import { RedisDeploymentState } from './redis-deployment-state';
import { RedisUsageCounters } from './redis-usage-counters';
import { Router } from './router';
import { RouterRegistry } from './router-registry';
import { RoutingConfigRepository } from './routing-config.repository';
import { InMemoryUsageCounters, type UsageCounters } from './usage-counters';

/** Deployments' live state: in memory, or shared by every instance through Redis (REDIS_URL). */
export const DEPLOYMENT_STATE = Symbol('DEPLOYMENT_STATE');
/** Deployments' rpm/tpm counters: in memory, or shared through Redis. */
export const USAGE_COUNTERS = Symbol('USAGE_COUNTERS');

/** Starts and stops the sharing of deployment state (REDIS_URL only). */
@Injectable()
class StateSharing implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(DEPLOYMENT_STATE) private readonly state: DeploymentStateStore) {}

  async onModuleInit(): Promise<void> {
    if (this.state instanceof RedisDeploymentState) await this.state.start();
  }

  onModuleDestroy(): void {
    if (this.state instanceof RedisDeploymentState) this.state.stop();
  }
}

/** The live router: registry (served from memory), strategies and state, kept in sync with the database. */
@Module({
  imports: [RedisModule],
  providers: [
    { provide: RouterRegistry, useFactory: () => new RouterRegistry() },
    {
      provide: USAGE_COUNTERS,
      useFactory: (redis: SharedRedis | null): UsageCounters =>
        redis ? new RedisUsageCounters(redis) : new InMemoryUsageCounters(),
      inject: [SHARED_REDIS],
    },
    {
      provide: DEPLOYMENT_STATE,
      useFactory: (redis: SharedRedis | null, clock: Clock, counters: UsageCounters): DeploymentStateStore =>
        redis && counters instanceof RedisUsageCounters
          ? new RedisDeploymentState(redis, clock, {
              ownUsage: (id, now) => counters.own.get(id, now),
              onTotals: (id, now, totals) => counters.observe(id, now, totals),
            })
          : new InMemoryDeploymentState(),
      inject: [SHARED_REDIS, CLOCK, USAGE_COUNTERS],
    },
    {
      provide: Router,
      useFactory: (
        registry: RouterRegistry,
        state: DeploymentStateStore,
        counters: UsageCounters,
        clock: Clock,
        random: RandomSource,
      ) => new Router({ registry, state, counters, clock, random }),
      inject: [RouterRegistry, DEPLOYMENT_STATE, USAGE_COUNTERS, CLOCK, RANDOM],
    },
    StateSharing,
    RoutingConfigRepository,
    LiveConfigService,
  ],
  exports: [RouterRegistry, Router, LiveConfigService, DEPLOYMENT_STATE],
})
export class RoutingModule {}
