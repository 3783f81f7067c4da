// GET /.well-known/jwks.json — SPEC §3.4: the public keys, as a plain JWK Set for any JOSE library.
import { getConfig } from '../lib/config';
import type { Deps } from '../lib/container';
import { ENDPOINTS } from '../lib/endpoints';
import { httpEndpoint } from '../lib/http/endpoint';
import { loadSigningKey } from '../lib/tokens/signing-key';
import { warm } from '../lib/warm';

export const createHandler = (deps: () => Promise<Pick<Deps, 'signingKey'>>) =>
  httpEndpoint({ ...ENDPOINTS.jwks, handle: async () => ({ keys: (await deps()).signingKey.publishedKeys }) });

// Only the key: the JWKS needs no storage, so this function's bundle carries no DynamoDB client.
export const handler = createHandler(warm(async () => ({ signingKey: await loadSigningKey(getConfig()) })));
