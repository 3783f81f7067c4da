// A WHATWG fetch answered by the handlers of this process, for the typed client in tests and
// benches: the request's method and path pick the route (infra/routes.cjs), the request becomes
// the API Gateway event of tests/kit/invoke.ts, the handler's result the Response. So the client
// runs in-process exactly as it runs over HTTP.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { routes } from '../../infra/routes.cjs';
import type { RouteName } from '../../lib/api/index';
import type { Handlers } from './handlers';
import { httpEvent, lambdaContext } from './invoke';

type Handler = (event: APIGatewayProxyEventV2, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

export interface InProcessOptions {
  /** The caller's address as API Gateway would give it; default none (no per-IP send cap). */
  sourceIp?: string;
}

/** API Gateway's own answers, outside the API's envelope. */
const gatewayAnswer = (status: number, message: string) =>
  new Response(JSON.stringify({ message }), { status, headers: { 'Content-Type': 'application/json' } });

/** The query string as API Gateway hands it over: decoded, a repeated name's values joined by commas. */
function queryParameters(search: URLSearchParams): Record<string, string> | undefined {
  const query: Record<string, string> = {};
  // defineProperty: a parameter named `__proto__` is a parameter, as in a parsed API Gateway event.
  for (const name of new Set(search.keys())) {
    Object.defineProperty(query, name, { value: search.getAll(name).join(','), enumerable: true, writable: true, configurable: true });
  }
  return Object.keys(query).length > 0 ? query : undefined;
}

export function inProcessFetch(handlers: Omit<Handlers, 'authorizer'>, options: InProcessOptions = {}): typeof fetch {
  const byRoute: Record<RouteName, Handler> = handlers;
  const routeList = Object.entries(routes) as Array<[RouteName, (typeof routes)[RouteName]]>;

  return async (input, init) => {
    const request = new Request(input, init);
    request.signal.throwIfAborted(); // as fetch rejects (AbortError); an abort later lands after the handler ran
    const { pathname: path, searchParams } = new URL(request.url);
    const found = routeList.find(([, route]) => route.method === request.method && route.path === path);
    if (!found) return gatewayAnswer(404, 'Not Found');
    const body = await request.text();
    const event = httpEvent({
      method: request.method,
      path,
      // Lower-cased names, as API Gateway passes them.
      headers: Object.fromEntries(request.headers),
      query: queryParameters(searchParams),
      rawBody: body === '' ? undefined : body,
      sourceIp: options.sourceIp,
    });
    let result: { statusCode: number; headers?: Record<string, string>; body?: string };
    try {
      result = (await byRoute[found[0]](event, lambdaContext())) as typeof result;
    } catch {
      return gatewayAnswer(500, 'Internal Server Error'); // a function that throws, as API Gateway answers it
    }
    request.signal.throwIfAborted();
    return new Response(result.body ?? null, { status: result.statusCode, headers: result.headers });
  };
}
