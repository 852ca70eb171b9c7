import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { anyLoginSchema, type AuthOptions, type AuthSession, firstAdminSchema } from '@switchboard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { Public } from '../common/public.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { AdminSessionService } from './admin-session.service';

/** Console sign-in. Public: each handler checks the master key or the session cookie itself. */
@Public()
@Controller('api/auth')
export class AuthController {
  constructor(private readonly sessions: AdminSessionService) {}

  @Post('login')
  @HttpCode(200)
  login(
    @Body(new ZodValidationPipe(anyLoginSchema)) body: z.output<typeof anyLoginSchema>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ expiresAt: string }> {
    return this.sessions.login(body, req, reply);
  }

  @Post('setup')
  @HttpCode(201)
  setup(
    @Body(new ZodValidationPipe(firstAdminSchema)) body: z.output<typeof firstAdminSchema>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ expiresAt: string }> {
    return this.sessions.setupFirstAdmin(body, req, reply);
  }

  @Get('options')
  options(): Promise<AuthOptions> {
    return this.sessions.authOptions();
  }

  @Post('logout')
  @HttpCode(204)
  logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    return this.sessions.logout(req, reply);
  }

  /** Who is signed in, or `{ authenticated: false }` (200 either way). */
  @Get('session')
  session(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AuthSession> {
    return this.sessions.current(req, reply);
  }
}
