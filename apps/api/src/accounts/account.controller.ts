import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type Account,
  type AccountInvite,
  createAccountSchema,
  pageQuerySchema,
  setPasswordSchema,
  updateAccountSchema,
} from '@switchboard/contracts';
import type { z } from 'zod';
import type { AdminCaller } from '../auth/caller';
import { Public } from '../common/public.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AccountService } from './account.service';
import { CurrentCaller } from './caller.decorator';

@Controller('api/accounts')
export class AccountController {
  constructor(private readonly accounts: AccountService) {}

  @Get()
  list(
    @Query(new ZodValidationPipe(pageQuerySchema)) query: z.output<typeof pageQuerySchema>,
  ): Promise<{ data: Account[]; nextCursor: string | null }> {
    return this.accounts.list(query);
  }

  @Post()
  @HttpCode(201)
  create(
    @Body(new ZodValidationPipe(createAccountSchema)) body: z.output<typeof createAccountSchema>,
    @CurrentCaller() caller: AdminCaller,
  ): Promise<AccountInvite> {
    return this.accounts.create(body, caller);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<Account> {
    return this.accounts.get(id);
  }

  @Patch(':id')
  update(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(updateAccountSchema)) body: z.output<typeof updateAccountSchema>,
    @CurrentCaller() caller: AdminCaller,
  ): Promise<Account> {
    return this.accounts.update(id, body, caller);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  resetPassword(@Param('id') id: string, @CurrentCaller() caller: AdminCaller): Promise<AccountInvite> {
    return this.accounts.resetPassword(id, caller);
  }
}

/** The one-time link from an invite or reset: public, the token is the credential. */
@Public()
@Controller('api/auth')
export class SetPasswordController {
  constructor(private readonly accounts: AccountService) {}

  @Post('set-password')
  @HttpCode(204)
  setPassword(
    @Body(new ZodValidationPipe(setPasswordSchema)) body: z.output<typeof setPasswordSchema>,
  ): Promise<void> {
    return this.accounts.setPassword(body.token, body.password);
  }
}
