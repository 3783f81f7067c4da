// Whether a request to the pages' session routes came from the pages themselves. Browsers say
// where a request comes from: `Sec-Fetch-Site` (every current browser) and `Origin` (on every POST).
// A request that says neither is no browser's, so no user's session can be ridden with it.
import type { APIGatewayProxyEventHeaders } from 'aws-lambda';

export function sameOrigin(headers: APIGatewayProxyEventHeaders | undefined): boolean {
  const site = headers?.['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = headers?.['origin'];
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === headers?.['host'];
  } catch {
    return false;
  }
}
