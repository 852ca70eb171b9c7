import { Module } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { RedisModule } from '../redis/redis.module';
import { AccountRepository } from '../accounts/account.repository';
import { AuditModule } from '../audit/audit.module';
import { ADMIN_SESSION_AUTH } from '../common/admin-auth.guard';
import { AdminSessionRepository } from './admin-session.repository';
import { AdminSessionService } from './admin-session.service';
import { ADMIN_AUTH_OPTIONS, defaultAdminAuthOptions } from './auth-options';
import { AuthController } from './auth.controller';
import { OidcController } from './oidc/oidc.controller';
import { OidcService } from './oidc/oidc.service';

/** Console sign-in (password, master key, single sign-on) and sessions, which the admin guard checks. */
@Module({
  imports: [AuditModule, RedisModule],
  controllers: [AuthController, OidcController],
  providers: [
    {
      provide: ADMIN_AUTH_OPTIONS,
      inject: [CLOCK],
      useFactory: (clock: Clock) => ({ ...defaultAdminAuthOptions(), clock }),
    },
    AdminSessionRepository,
    AccountRepository,
    AdminSessionService,
    OidcService,
    { provide: ADMIN_SESSION_AUTH, useExisting: AdminSessionService },
  ],
  exports: [ADMIN_SESSION_AUTH, AdminSessionService, AccountRepository],
})
export class AuthModule {}
