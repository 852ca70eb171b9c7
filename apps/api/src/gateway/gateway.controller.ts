import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/public.decorator';
import { GatewayService } from './gateway.service';

/**
 * The OpenAI-compatible data plane, served with and without the `/v1` prefix (Dify appends paths to
 * whatever base URL the operator typed). Authentication is the gateway's own (master or virtual key,
 * from memory), hence @Public() towards the admin guard.
 */
@Public()
@Controller()
export class GatewayController {
  constructor(private readonly gateway: GatewayService) {}

  @Post(['v1/chat/completions', 'chat/completions'])
  chat(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.gateway.handle('chat', req, reply);
  }

  @Post(['v1/completions', 'completions'])
  completions(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.gateway.handle('completions', req, reply);
  }

  @Post(['v1/embeddings', 'embeddings'])
  embeddings(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.gateway.handle('embeddings', req, reply);
  }

  @Post(['v1/rerank', 'rerank'])
  rerank(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.gateway.handle('rerank', req, reply);
  }

  @Post(['v1/audio/speech', 'audio/speech'])
  speech(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.gateway.handle('audio.speech', req, reply);
  }

  @Post(['v1/audio/transcriptions', 'audio/transcriptions'])
  transcriptions(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.gateway.handle('audio.transcriptions', req, reply);
  }

  @Get(['v1/models', 'models'])
  @HttpCode(200)
  models(@Req() req: FastifyRequest) {
    return this.gateway.listModels(req.headers);
  }

  @Get(['v1/models/:model', 'models/:model'])
  model(@Req() req: FastifyRequest, @Param('model') model: string) {
    return this.gateway.getModel(req.headers, model);
  }
}
