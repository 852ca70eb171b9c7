import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { playgroundChatSchema } from '@switchboard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { MASTER_KEY_ACTOR } from '../audit/actor';
import type { ProjectScope } from '../auth/caller';
import { CallerScope } from '../auth/project-scope.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { PlaygroundService } from './playground.service';

@Controller('api/playground')
export class PlaygroundController {
  constructor(private readonly playground: PlaygroundService) {}

  /**
   * Streams (SSE) or answers (JSON) a chat sent through the data plane as the chosen key. The answer is
   * written to the reply directly; refusals before routing are thrown and answered in the admin envelope.
   */
  @Post('chat')
  chat(
    @Body(new ZodValidationPipe(playgroundChatSchema)) body: z.output<typeof playgroundChatSchema>,
    @CallerScope() scope: ProjectScope,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // Who sent it, as the request log's end user shows it and the upstream is told it (`user`): an account
    // (or an API token, which acts for its account) by its id, never its email; the master key, and a
    // console session opened with it, as `master-key`.
    const accountId = req.caller?.accountId;
    const sender = req.caller?.kind !== 'master-key' && accountId ? `account:${accountId}` : MASTER_KEY_ACTOR;
    return this.playground.chat(body, sender, scope, reply);
  }
}
