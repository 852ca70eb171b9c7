import { Global, Module } from '@nestjs/common';
import { FailedAuthThrottle } from './failed-auth-throttle';

/** Cross-cutting protections of the admin API and the data plane. */
@Global()
@Module({ providers: [FailedAuthThrottle], exports: [FailedAuthThrottle] })
export class SecurityModule {}
