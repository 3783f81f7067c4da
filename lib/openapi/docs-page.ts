// GET /docs (or /docs/): Swagger UI over /openapi.json, every file served by the docs function
// itself. The page loads nothing from elsewhere (no CDN, font or online validator), and its
// Content-Security-Policy has the browser refuse anything that would.
// Only the docs function imports this module: esbuild embeds Swagger UI in that bundle alone.
import swaggerUiBundle from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'text' };
import swaggerUiCss from 'swagger-ui-dist/swagger-ui.css' with { type: 'text' };
import { docsRoutes } from '../../infra/routes.cjs';
import { TITLE } from './texts';

export interface Asset {
  contentType: string;
  body: string;
}

// The document's address is taken from this script's own, `<mount>/docs/init.js`, not from the
// page's: the page answers at `/docs` and at `/docs/` alike, where a relative `openapi.json` would
// resolve to two different places.
const INIT = `window.ui = SwaggerUIBundle({
  url: new URL('../openapi.json', document.currentScript.src).href,
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  validatorUrl: null,
});
`;

/** The files under /docs/, by name. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  'swagger-ui-bundle.js': { contentType: 'text/javascript; charset=utf-8', body: swaggerUiBundle },
  'swagger-ui.css': { contentType: 'text/css; charset=utf-8', body: swaggerUiCss },
  'init.js': { contentType: 'text/javascript; charset=utf-8', body: INIT },
};

// A path as API Gateway routes it to this page: one or more segments of unreserved characters, so
// that it goes into the page's markup as it is.
const PLAIN_PATH = /^(\/[\w.~-]+)+$/;

/**
 * The page, for the path it was asked at: `<mount>/docs`, with or without a trailing slash (API
 * Gateway keeps a stage's or a custom domain's base path in `rawPath`), or the docs route's own
 * path when there is none (a hand-made event) or it is not a plain path. Its files are addressed
 * from the host's root: a relative `docs/x` resolves to `/docs/x` from `/docs` but to
 * `/docs/docs/x` from `/docs/`, and serverless-offline hands the function both requests as
 * `/docs`, so the function cannot tell them apart to redirect one to the other.
 */
export function docsPage(requestPath: string | undefined): string {
  const trimmed = (requestPath ?? '').replace(/\/+$/, '');
  const base = PLAIN_PATH.test(trimmed) ? trimmed : docsRoutes.docs.path;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLE}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${base}/init.js"></script>
</body>
</html>
`;
}

/** Scripts and styles from this service only; Swagger UI sets inline styles and data: images. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
