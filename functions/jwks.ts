// GET /.well-known/jwks.json — SPEC §3.4: the public keys, as a plain JWK Set for any JOSE library.
import { warmContainer, type DepsProvider } from '../lib/container';
import { httpEndpoint } from '../lib/http/endpoint';
import { jwksSchema } from '../lib/schemas';

// Short enough for a rotation to reach verifiers well inside an access token's life.
const CACHE_SECONDS = 300;

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint({
    schema: jwksSchema,
    bare: true,
    headers: { 'Cache-Control': `public, max-age=${CACHE_SECONDS}` },
    handle: async () => ({ keys: (await deps()).signingKey.publishedKeys }),
  });

export const handler = createHandler(warmContainer());
