import { Module } from '@nestjs/common';
import { RedisModule } from '../redis/redis.module';
import { FailedAuthThrottle } from './failed-auth-throttle';

/** Cross-cutting protections of the admin API and the data plane. */
@Module({ imports: [RedisModule], providers: [FailedAuthThrottle], exports: [FailedAuthThrottle] })
export class SecurityModule {}
