import { Injectable } from '@nestjs/common';
import { AdminError } from '../common/errors';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi-document';
import { type DocsAsset, loadDocsAssets, renderDocsPage } from './openapi-html';
import { DOCUMENTED_ROUTES } from './openapi-routes';

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

  document(): OpenApiDocument {
    this.doc ??= buildOpenApiDocument(DOCUMENTED_ROUTES, API_VERSION);
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
