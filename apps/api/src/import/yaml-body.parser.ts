import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const YAML_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** Routes that take a YAML document as their body; any other route answers 415 to a YAML content type. */
export const YAML_BODY_ROUTES = new Set(['/api/import/litellm']);

function unsupported(): Error & { statusCode: number; code: string } {
  return Object.assign(new Error('Unsupported Content-Type'), {
    statusCode: 415,
    code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  });
}

/**
 * Teaches Fastify the YAML content types, as a plain string body, for the routes in YAML_BODY_ROUTES only.
 * `text/plain` needs nothing: Fastify's built-in parser already hands it over as a string.
 */
@Injectable()
export class YamlBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser(YAML_CONTENT_TYPES[0]!)) return;
    fastify.addContentTypeParser(
      YAML_CONTENT_TYPES,
      { parseAs: 'string' },
      (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
        if (!YAML_BODY_ROUTES.has(req.routeOptions.url ?? '')) return done(unsupported());
        done(null, typeof body === 'string' ? body : body.toString('utf8'));
      },
    );
  }
}
