import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { AdminError } from '../common/errors';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';
import { type DocsAsset, loadDocsAssets, renderDocsPage } from './openapi-html';
import { readHandlerSchemas, withHandlerSchemas } from './handler-schemas';
import { DOCUMENTED_ROUTES, NAMED_SCHEMAS } from './openapi-routes';

/** Keep in step with the root package.json. */
export const API_VERSION = '0.1.0';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The document, the page and the renderer's files never change while the process runs: built or read on
 * first request, then served from memory.
 */
@Injectable()
export class OpenApiService {
  private doc: OpenApiDocument | null = null;
  private assets: Map<string, DocsAsset> | null = null;
  private html: string | null = null;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  /** The route table, with each body and query taken from the zod schema its handler validates with. */
  document(): OpenApiDocument {
    this.doc ??= buildOpenApiDocument(
      withHandlerSchemas(DOCUMENTED_ROUTES, readHandlerSchemas(this.discovery, this.scanner), NAMED_SCHEMAS),
      API_VERSION,
    );
    return this.doc;
  }

  page(): string {
    this.html ??= renderDocsPage('Switchboard API reference', this.loadedAssets());
    return this.html;
  }

  /** One of the page's files; cached for good when asked for by its current version (as the page links it). */
  asset(name: string, version: unknown): { body: Buffer; headers: Record<string, string> } {
    const asset = this.loadedAssets().get(name);
    if (!asset) throw new AdminError(404, 'not_found', 'No such file of the API reference.');
    return {
      body: asset.body,
      headers: {
        'content-type': asset.contentType,
        'cache-control': version === asset.version ? IMMUTABLE : 'no-cache',
        'x-content-type-options': 'nosniff',
      },
    };
  }

  private loadedAssets(): Map<string, DocsAsset> {
    this.assets ??= loadDocsAssets();
    return this.assets;
  }
}
