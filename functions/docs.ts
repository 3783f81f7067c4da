// GET /openapi.json, /docs and /docs/{asset}: the API's own description, in stages whose apiDocs
// setting is true (infra/functions.cjs declares this function only there).
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { docsRoutes } from '../infra/routes.cjs';
import { getConfig } from '../lib/config';
import { ASSETS, CONTENT_SECURITY_POLICY, docsPage } from '../lib/openapi/docs-page';
import { buildOpenApiDocument } from '../lib/openapi/document';

// Built once per container, from the schemas this deployment runs on and the limits of its own
// configuration (the stage's, overrides included), which the other functions enforce. A bad
// setting fails this function's start, as it fails every request of the others.
const DOCUMENT = JSON.stringify(buildOpenApiDocument(getConfig().limits));

const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
const answer = (contentType: string, body: string, statusCode = 200): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'Content-Type': contentType, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' },
  body,
});

// Everything is built at init; the Lambda contract still wants a promise.
export const handler = (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => Promise.resolve(route(event));

function route(event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 {
  switch (event.routeKey) {
    case routeKey(docsRoutes.openapi):
      return answer('application/json; charset=utf-8', DOCUMENT);
    case routeKey(docsRoutes.docs): {
      const page = answer('text/html; charset=utf-8', docsPage(event.rawPath));
      return { ...page, headers: { ...page.headers, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } };
    }
    case routeKey(docsRoutes.docsAsset): {
      const name = event.pathParameters?.['asset'] ?? '';
      const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
      if (asset) return answer(asset.contentType, asset.body);
      break;
    }
  }
  return answer('text/plain; charset=utf-8', 'Not found.', 404);
}
