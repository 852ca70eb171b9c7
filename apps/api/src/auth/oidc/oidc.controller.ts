import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/public.decorator';
import { OidcService } from './oidc.service';

/**
 * Single sign-on. Public: the browser arrives here without a session; the identity provider's answer
 * (checked by openid-client) is the credential.
 */
@Public()
@Controller('api/auth/oidc')
export class OidcController {
  constructor(private readonly oidc: OidcService) {}

  /** `?returnTo=/path`: where the console lands afterwards. */
  @Get('login')
  login(@Query('returnTo') returnTo: unknown, @Res() reply: FastifyReply): Promise<void> {
    return this.oidc.begin(returnTo, reply);
  }

  @Get('callback')
  callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.oidc.complete(req, reply);
  }
}
