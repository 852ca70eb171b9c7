import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../common/public.decorator';
import type { OpenApiDocument } from './openapi-document';
import { DOCS_CSP } from './openapi-html';
import { OpenApiService } from './openapi.service';

/**
 * API documentation. Public: it describes routes and schemas only (no data, no secrets), every route it
 * lists still needs the master key or a console session, and the code is open source anyway; being public
 * lets operators read it before they have the key at hand.
 */
@Public()
@Controller('api/docs')
export class OpenApiController {
  constructor(private readonly docs: OpenApiService) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', DOCS_CSP)
  @Header('x-content-type-options', 'nosniff')
  page(): string {
    return this.docs.page();
  }

  @Get('openapi.json')
  document(): OpenApiDocument {
    return this.docs.document();
  }
}
