// One declaration per HTTP endpoint, by its route's name (infra/routes.cjs): its schema, the shape
// of its answer and its cache policy. Its function hands it to httpEndpoint (lib/http/endpoint.ts),
// and the OpenAPI document (lib/openapi/) describes the same object, so the two cannot disagree.
// Only data over lib/schemas.ts, which every function's bundle holds already: a function gets no
// other endpoint's code with it.
import type { routes } from '../infra/routes.cjs';
import { NO_STORE } from './http/envelope';
import {
  jwksSchema,
  loginSchema,
  logoutSchema,
  refreshSchema,
  registerSchema,
  sendCodeSchema,
  validateCodeSchema,
  type EndpointSchema,
} from './schemas';

export type RouteName = keyof typeof routes;

export interface EndpointDefinition<S extends EndpointSchema = EndpointSchema> {
  schema: S;
  /** The 200 answer is the handler's result as the whole JSON body, not the envelope's `data` (JWKS). */
  bare?: boolean;
  /** `Cache-Control` of a 200 answer. Failures are never cached, whatever this says (lib/http/envelope.ts). */
  cacheControl: string;
}

// Short enough for a key rotation to reach verifiers well inside an access token's life.
const JWKS_CACHE_SECONDS = 300;

export const ENDPOINTS = {
  // Answers that carry tokens or a user's data must never be kept by a cache.
  sendCode: { schema: sendCodeSchema, cacheControl: NO_STORE },
  validateCode: { schema: validateCodeSchema, cacheControl: NO_STORE },
  register: { schema: registerSchema, cacheControl: NO_STORE },
  login: { schema: loginSchema, cacheControl: NO_STORE },
  refreshToken: { schema: refreshSchema, cacheControl: NO_STORE },
  logout: { schema: logoutSchema, cacheControl: NO_STORE },
  // Public keys, read by every verifier: caching them is the point.
  jwks: { schema: jwksSchema, bare: true, cacheControl: `public, max-age=${JWKS_CACHE_SECONDS}` },
} as const satisfies Readonly<Record<RouteName, EndpointDefinition>>;
