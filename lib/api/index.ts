// The service's endpoints: one module each (lib/api/<endpoint>.ts), listed here in the order of a
// client's journey (the API document's order). Everything else about the HTTP API is derived
// from this list: `npm run generate` writes the route table serverless.yml and the client read
// (infra/routes.json) and the API document (docs/openapi.json); tests/generated.test.ts fails when
// either is stale. A function imports its own module only, never this list, so that its bundle
// holds no other endpoint's schemas.
import type { RouteName } from '../../infra/routes.cjs';
import type { Endpoint } from './endpoint';
import { jwks } from './jwks';
import { login } from './login';
import { logout } from './logout';
import { passwordModify } from './password-modify';
import { passwordReset } from './password-reset';
import { phoneModify } from './phone-modify';
import { refreshToken } from './refresh-token';
import { register } from './register';
import { sendCode } from './send-code';
import { updateUserInfo } from './update-user-info';
import { userDelete } from './user-delete';
import { userInfo } from './user-info';
import { validateCode } from './validate-code';

export const ENDPOINTS = {
  sendCode,
  validateCode,
  register,
  login,
  refreshToken,
  logout,
  userInfo,
  updateUserInfo,
  passwordModify,
  passwordReset,
  phoneModify,
  userDelete,
  jwks,
} as const;

/** An endpoint's name: the key of its route in the route table (infra/routes.cjs). */
export type { RouteName };

/** Every endpoint, each seen as any endpoint (for code that walks them all). */
export const ALL_ENDPOINTS: Readonly<Record<RouteName, Endpoint>> = ENDPOINTS;

// A module listed above but not in the generated route table, or a route in the table with no
// module, fails `npm run typecheck` here, naming it (run `npm run generate` after adding one).
type ModuleWithoutRoute = Exclude<keyof typeof ENDPOINTS, RouteName>;
type RouteWithoutModule = Exclude<RouteName, keyof typeof ENDPOINTS>;
export const EVERY_MODULE_HAS_ITS_ROUTE: [ModuleWithoutRoute] extends [never] ? true : { moduleWithoutRoute: ModuleWithoutRoute } = true;
export const EVERY_ROUTE_HAS_ITS_MODULE: [RouteWithoutModule] extends [never] ? true : { routeWithoutModule: RouteWithoutModule } = true;
