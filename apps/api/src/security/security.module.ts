import { Module } from '@nestjs/common';
import { FailedAuthThrottle } from './failed-auth-throttle';

/** Cross-cutting protections of the admin API and the data plane. */
@Module({ providers: [FailedAuthThrottle], exports: [FailedAuthThrottle] })
export class SecurityModule {}
