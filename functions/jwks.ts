// GET /.well-known/jwks.json — SPEC §3.4: the public keys, as a plain JWK Set for any JOSE library.
import { warmContainer, type DepsProvider } from '../lib/container';
import { ENDPOINTS } from '../lib/endpoints';
import { httpEndpoint } from '../lib/http/endpoint';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint({ ...ENDPOINTS.jwks, handle: async () => ({ keys: (await deps()).signingKey.publishedKeys }) });

export const handler = createHandler(warmContainer());
