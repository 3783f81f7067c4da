// GET /.well-known/jwks.json — its facts: lib/api/jwks.ts.
import { jwks as endpoint } from '../lib/api/jwks';
import { getConfig } from '../lib/config';
import type { Deps } from '../lib/container';
import { httpEndpoint } from '../lib/http/endpoint';
import { loadSigningKey } from '../lib/tokens/signing-key';
import { warm } from '../lib/warm';

export const createHandler = (deps: () => Promise<Pick<Deps, 'signingKey'>>) =>
  httpEndpoint(endpoint, { handle: async () => ({ keys: (await deps()).signingKey.publishedKeys }) });

// Only the key: the JWKS needs no storage, so this function's bundle carries no DynamoDB client.
export const handler = createHandler(warm(async () => ({ signingKey: await loadSigningKey(getConfig()) })));
