// GET /account and /account/{proxy+}: the hosted account pages and their files (infra/pages.cjs,
// README "Hosted pages"). Everything is built into this function's bundle: it reads no table and
// holds no key.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ASSETS } from '../lib/pages/assets';
import { PAGES_CONTENT_SECURITY_POLICY, pageDocument, prefixOf } from '../lib/pages/document';
import { ASSET_DIR, pageAt } from '../lib/pages/site';

// Every answer: no sniffing, no framing, no referrer to other sites (the pages carry no secrets in
// their URLs, but nothing needs to know where a reader came from), and revalidated on every load
// so that a deploy's pages and script arrive together.
const COMMON_HEADERS = {
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': PAGES_CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const answer = (statusCode: number, contentType: string, body: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { ...COMMON_HEADERS, 'Content-Type': contentType },
  body,
});

const HTML = 'text/html; charset=utf-8';

// Everything is built at init; the Lambda contract still wants a promise.
export const handler = (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => Promise.resolve(route(event));

function route(event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 {
  const subPath = event.pathParameters?.['proxy'] ?? '';
  const prefix = prefixOf(event.rawPath);
  const assetName = subPath.startsWith(`${ASSET_DIR}/`) ? subPath.slice(ASSET_DIR.length + 1) : undefined;
  if (assetName !== undefined) {
    const asset = Object.hasOwn(ASSETS, assetName) ? ASSETS[assetName] : undefined;
    return asset ? answer(200, asset.contentType, asset.body) : answer(404, 'text/plain; charset=utf-8', 'Not found.');
  }
  const page = pageAt(subPath);
  return page ? answer(200, HTML, pageDocument(page, prefix)) : answer(404, HTML, pageDocument('notFound', prefix));
}
