import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Scripts, styles and requests from this origin only: no inline script or style (Swagger UI sets its
 * dynamic styles through the DOM, which CSP allows), and `connect-src 'self'` lets try-it-out call this
 * gateway and nothing else. `data:` images are the icons inside Swagger UI's stylesheet.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const DOCS_BASE = '/api/docs';

/**
 * Swagger UI's settings. A file of its own because the CSP allows no inline script. Try-it-out calls this
 * origin (the document's `servers` is `/`): with the console's session cookie, or a key under Authorize.
 * Authorization is not persisted: a pasted master key must not outlive the tab.
 */
const INIT_SCRIPT = `'use strict';
window.ui = window.SwaggerUIBundle({
  url: '${DOCS_BASE}/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  filter: true,
  docExpansion: 'list',
  defaultModelsExpandDepth: 0,
  displayRequestDuration: true,
  showExtensions: true,
  validatorUrl: null,
  persistAuthorization: false,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/** Room around the reference, which Swagger UI's BaseLayout leaves to the page. */
const PAGE_CSS = `body { margin: 0; background: #fff; }
.swagger-ui .information-container { padding-top: 1rem; }
`;

interface AssetSource {
  contentType: string;
  /** A file of the renderer's npm package, or text of ours. */
  file?: string;
  text?: string;
}

/** Everything the asset route serves, by name: nothing else, so no name can reach another file. */
const ASSETS = new Map<string, AssetSource>([
  ['swagger-ui-bundle.js', { contentType: 'text/javascript; charset=utf-8', file: 'swagger-ui-bundle.js' }],
  ['swagger-ui.css', { contentType: 'text/css; charset=utf-8', file: 'swagger-ui.css' }],
  ['init.js', { contentType: 'text/javascript; charset=utf-8', text: INIT_SCRIPT }],
  ['page.css', { contentType: 'text/css; charset=utf-8', text: PAGE_CSS }],
  ['favicon-32x32.png', { contentType: 'image/png', file: 'favicon-32x32.png' }],
]);

export interface DocsAsset {
  body: Buffer;
  contentType: string;
  /** Content hash: the page links `?v=<version>`, so a cached copy is never stale. */
  version: string;
}

/** The npm package `swagger-ui-dist` (a dependency): Swagger UI prebuilt, served as it is. */
function rendererDir(): string {
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

export function loadDocsAssets(): Map<string, DocsAsset> {
  const dir = rendererDir();
  const assets = new Map<string, DocsAsset>();
  for (const [name, source] of ASSETS) {
    const body = source.file
      ? readFileSync(path.join(dir, source.file))
      : Buffer.from(source.text ?? '', 'utf8');
    const version = createHash('sha256').update(body).digest('hex').slice(0, 16);
    assets.set(name, { body, contentType: source.contentType, version });
  }
  return assets;
}

export function renderDocsPage(title: string, assets: ReadonlyMap<string, DocsAsset>): string {
  const url = (name: string) => `${DOCS_BASE}/assets/${name}?v=${assets.get(name)?.version ?? ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="${url('swagger-ui.css')}">
<link rel="stylesheet" href="${url('page.css')}">
<link rel="icon" type="image/png" href="${url('favicon-32x32.png')}">
</head>
<body>
<noscript>This reference needs JavaScript. The document itself is at <a href="${DOCS_BASE}/openapi.json">${DOCS_BASE}/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="${url('swagger-ui-bundle.js')}"></script>
<script src="${url('init.js')}"></script>
</body>
</html>
`;
}
