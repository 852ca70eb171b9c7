import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  type ApiToken,
  type Caller,
  changePasswordSchema,
  createApiTokenSchema,
} from '@switchboard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AdminCaller } from '../auth/caller';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { ApiTokenService } from './api-token.service';
import { CurrentCaller } from './caller.decorator';
import { MeService } from './me.service';

/** The caller's own account and personal API tokens (any signed-in account; not the master key). */
@Controller('api/me')
export class MeController {
  constructor(
    private readonly me: MeService,
    private readonly tokens: ApiTokenService,
  ) {}

  @Get()
  get(@CurrentCaller() caller: AdminCaller): Promise<Caller> {
    return this.me.me(caller);
  }

  @Post('password')
  @HttpCode(204)
  changePassword(
    @CurrentCaller() caller: AdminCaller,
    @Body(new ZodValidationPipe(changePasswordSchema)) body: z.output<typeof changePasswordSchema>,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    return this.me.changePassword(caller, body, req);
  }

  /** Sign out everywhere: every console session of the account ends (API tokens are revoked one by one). */
  @Post('sessions/revoke')
  @HttpCode(204)
  signOutEverywhere(
    @CurrentCaller() caller: AdminCaller,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    return this.me.signOutEverywhere(caller, req, reply);
  }

  @Get('tokens')
  listTokens(@CurrentCaller() caller: AdminCaller): Promise<ApiToken[]> {
    return this.tokens.list(caller);
  }

  @Post('tokens')
  @HttpCode(201)
  createToken(
    @CurrentCaller() caller: AdminCaller,
    @Body(new ZodValidationPipe(createApiTokenSchema)) body: z.output<typeof createApiTokenSchema>,
  ): Promise<{ token: string; apiToken: ApiToken }> {
    return this.tokens.create(caller, body);
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  revokeToken(@CurrentCaller() caller: AdminCaller, @Param('id') id: string): Promise<void> {
    return this.tokens.revoke(caller, id);
  }
}
