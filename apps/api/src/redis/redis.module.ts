import { Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SharedRedis } from './shared-redis';

/** The instances' shared Redis, or null without REDIS_URL (then everything is per instance, as before). */
export const SHARED_REDIS = Symbol('SHARED_REDIS');

@Injectable()
class SharedRedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(SHARED_REDIS) private readonly redis: SharedRedis | null) {}

  async onModuleInit(): Promise<void> {
    await this.redis?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.stop();
  }
}

/** Redis for state the instances share (REDIS_URL): key limits, and what builds on it. */
@Module({
  providers: [
    {
      provide: SHARED_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): SharedRedis | null =>
        config.redisUrl
          ? new SharedRedis({
              url: config.redisUrl,
              prefix: config.redisKeyPrefix,
              commandTimeoutMs: config.redisTimeoutMs,
            })
          : null,
    },
    SharedRedisLifecycle,
  ],
  exports: [SHARED_REDIS],
})
export class RedisModule {}
