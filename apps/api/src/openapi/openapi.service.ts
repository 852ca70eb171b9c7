import { Injectable } from '@nestjs/common';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';
import { renderOpenApiHtml } from './openapi-html';
import { DOCUMENTED_ROUTES } from './openapi-routes';

/** Keep in step with the root package.json. */
export const API_VERSION = '0.1.0';

/** The document never changes while the process runs: built on first request, then served from memory. */
@Injectable()
export class OpenApiService {
  private doc: OpenApiDocument | null = null;
  private html: string | null = null;

  document(): OpenApiDocument {
    this.doc ??= buildOpenApiDocument(DOCUMENTED_ROUTES, API_VERSION);
    return this.doc;
  }

  page(): string {
    this.html ??= renderOpenApiHtml(this.document());
    return this.html;
  }
}
