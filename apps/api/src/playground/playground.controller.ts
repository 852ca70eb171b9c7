import { Body, Controller, Post, Res } from '@nestjs/common';
import { playgroundChatSchema } from '@switchboard/contracts';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { Actor } from '../audit/actor';
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
    @Actor() actor: string,
    @CallerScope() scope: ProjectScope,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.playground.chat(body, actor, scope, reply);
  }
}
