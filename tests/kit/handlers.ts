// Every function's handler, built on one set of dependencies: for tests and scripts that drive the
// service in-process. Derived from the endpoint modules (lib/api/): each names the function file
// that serves it, so an endpoint added there is here too.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createHandler as authorizer } from '../../functions/authorizer';
import { ALL_ENDPOINTS, type RouteName } from '../../lib/api/index';
import type { DepsProvider } from '../../lib/container';
import type { HttpResponse } from '../../lib/http/envelope';

/** An HTTP function's handler, as API Gateway (or a test standing in for it) calls it. */
export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;

interface FunctionModule {
  createHandler(deps: DepsProvider): HttpHandler;
}

/** The module of `functions/<file>.handler`, loaded when first asked for. */
function functionModule(handler: string): FunctionModule {
  const file = handler.replace(/\.handler$/, '');
  // A path known only at run time: every function file exports createHandler (functions/).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`../../${file}`) as FunctionModule;
}

export const createHandlers = (deps: DepsProvider) => {
  const http = Object.fromEntries(
    (Object.keys(ALL_ENDPOINTS) as RouteName[]).map((name) => [name, functionModule(ALL_ENDPOINTS[name].handler).createHandler(deps)]),
  ) as Record<RouteName, HttpHandler>;
  return { ...http, authorizer: authorizer(deps) };
};

export type Handlers = ReturnType<typeof createHandlers>;
