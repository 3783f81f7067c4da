// GET /.well-known/jwks.json — its facts: lib/api/jwks.ts.
import { jwks as endpoint } from '../lib/api/jwks';
import { getConfig } from '../lib/config';
import type { Deps } from '../lib/container';
import { httpEndpoint } from '../lib/http/endpoint';
import { loadPublicKeys } from '../lib/tokens/public-keys';
import { warm } from '../lib/warm';

export const createHandler = (deps: () => Promise<Pick<Deps, 'publicKeys'>>) =>
  httpEndpoint(endpoint, { handle: async () => ({ keys: (await deps()).publicKeys }) });

// Only the public keys: the JWKS needs no storage, so this function's bundle carries no DynamoDB
// client, and never the private key.
export const handler = createHandler(warm(async () => ({ publicKeys: await loadPublicKeys(getConfig()) })));
