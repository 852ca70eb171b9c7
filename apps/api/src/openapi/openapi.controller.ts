import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/public.decorator';
import type { OpenApiDocument } from './openapi-document';
import { DOCS_CSP } from './openapi-html';
import { OpenApiService } from './openapi.service';

/**
 * API reference. Public: it describes routes and schemas only (no data, no secrets), every route it
 * lists still needs its credentials, and the code is open source anyway; being public lets operators read
 * it before they have the key at hand.
 */
@Public()
@Controller('api/docs')
export class OpenApiController {
  constructor(private readonly docs: OpenApiService) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', DOCS_CSP)
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-cache')
  page(): string {
    return this.docs.page();
  }

  @Get('openapi.json')
  document(): OpenApiDocument {
    return this.docs.document();
  }

  @Get('assets/:file')
  asset(
    @Param('file') file: string,
    @Query('v') version: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Buffer {
    const { body, headers } = this.docs.asset(file, version);
    void reply.headers(headers);
    return body;
  }
}
