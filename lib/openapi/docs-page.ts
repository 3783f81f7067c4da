// GET /docs: Swagger UI over /openapi.json, every file served by the docs function itself. The
// page loads nothing from elsewhere (no CDN, font or online validator), and its Content-Security-
// Policy has the browser refuse anything that would.
// Only the docs function imports this module: esbuild embeds Swagger UI in that bundle alone.
import swaggerUiBundle from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'text' };
import swaggerUiCss from 'swagger-ui-dist/swagger-ui.css' with { type: 'text' };
import { TITLE } from './texts';

export interface Asset {
  contentType: string;
  body: string;
}

// Relative addresses: the page works wherever the API is mounted. `/docs` resolves `docs/x` to
// `/docs/x` and `openapi.json` to `/openapi.json`.
const INIT = `window.ui = SwaggerUIBundle({
  url: 'openapi.json',
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

export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLE}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>
`;

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
