// Every function's handler, built on one set of dependencies: for tests and scripts that drive the
// service in-process.
import type { DepsProvider } from '../lib/container';
import type { RouteName } from '../lib/endpoints';
import { createHandler as authorizer } from '../functions/authorizer';
import { createHandler as jwks } from '../functions/jwks';
import { createHandler as login } from '../functions/login';
import { createHandler as logout } from '../functions/logout';
import { createHandler as refreshToken } from '../functions/refresh-token';
import { createHandler as register } from '../functions/register';
import { createHandler as sendCode } from '../functions/send-code';
import { createHandler as validateCode } from '../functions/validate-code';

export const createHandlers = (deps: DepsProvider) =>
  ({
    sendCode: sendCode(deps),
    validateCode: validateCode(deps),
    register: register(deps),
    login: login(deps),
    refreshToken: refreshToken(deps),
    logout: logout(deps),
    jwks: jwks(deps),
    authorizer: authorizer(deps),
  }) satisfies Record<RouteName | 'authorizer', unknown>;

export type Handlers = ReturnType<typeof createHandlers>;
