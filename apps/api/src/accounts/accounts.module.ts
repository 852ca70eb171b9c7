import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { AccountController, SetPasswordController } from './account.controller';
import { AccountService } from './account.service';
import { ApiTokenRepository } from './api-token.repository';
import { ApiTokenService } from './api-token.service';
import { MeController } from './me.controller';
import { MeService } from './me.service';

/** Operator accounts (admin-managed), each account's own profile and personal API tokens (the admin guard checks them). */
@Module({
  imports: [AuditModule, AuthModule],
  controllers: [AccountController, SetPasswordController, MeController],
  providers: [AccountService, ApiTokenRepository, ApiTokenService, MeService],
  exports: [ApiTokenService],
})
export class AccountsModule {}
