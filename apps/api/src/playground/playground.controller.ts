import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import { playgroundChatSchema } from '@switchboard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { actorOf } from '../audit/actor';
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
    // Who sent it, as the request log's end user shows it: a console session opened with the master key
    // is `master-key` (its audit name is the session id), accounts and API tokens by their audit name.
    const sender = req.caller?.kind === 'master-key' ? 'master-key' : actorOf(req);
    return this.playground.chat(body, sender, scope, reply);
  }
}
