import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { reportError } from '../common/all-exceptions.filter';
import type { Capability } from '../providers/provider.types';
import { GatewayService } from './gateway.service';

/** POST routes of the data plane: public path (without `/v1`) → what the request asks for. */
const POST_ROUTES: readonly [path: string, capability: Capability][] = [
  ['/chat/completions', 'chat'],
  ['/completions', 'completions'],
  ['/embeddings', 'embeddings'],
  ['/rerank', 'rerank'],
  ['/audio/speech', 'audio.speech'],
  ['/audio/transcriptions', 'audio.transcriptions'],
];

/**
 * The OpenAI-compatible data plane, served with and without the `/v1` prefix (Dify appends paths to
 * whatever base URL the operator typed).
 *
 * These are plain Fastify routes rather than a Nest controller: they are the hot path, and Nest's
 * per-request pipeline (execution context, guard, exception zone) made about 8% of the gateway's
 * allocation per request in a heap profile while adding nothing here. Authentication is the gateway's own (master or virtual
 * key, from memory); errors are rendered by the same code as the rest of the app, in OpenAI's shape.
 * The routes are added once Nest has set up its own (so the shared not-found handler still applies),
 * before the server starts listening.
 */
@Injectable()
export class GatewayRoutes implements OnApplicationBootstrap {
  private readonly logger = new Logger('Gateway');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly gateway: GatewayService,
  ) {}

  onApplicationBootstrap(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const errorHandler = (err: FastifyError, req: FastifyRequest, reply: FastifyReply) =>
      reportError(err, req, reply, this.logger);

    for (const prefix of ['/v1', '']) {
      for (const [path, capability] of POST_ROUTES) {
        fastify.route({
          method: 'POST',
          url: `${prefix}${path}`,
          errorHandler,
          handler: async (req, reply) => {
            await this.gateway.handle(capability, req, reply);
            return reply;
          },
        });
      }
      fastify.route({
        method: 'GET',
        url: `${prefix}/models`,
        errorHandler,
        handler: async (req) => this.gateway.listModels(req),
      });
      fastify.route<{ Params: { model: string } }>({
        method: 'GET',
        url: `${prefix}/models/:model`,
        errorHandler,
        handler: async (req) => this.gateway.getModel(req, req.params.model),
      });
    }
  }
}
