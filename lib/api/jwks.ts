// GET /.well-known/jwks.json — docs/API.md §3.4: the public keys, as a plain JWK Set for any JOSE library.
import * as z from 'zod/mini';
import { defineEndpoint, type EndpointData } from './endpoint';
import { noHeaders } from './wire';

// Short enough for a key rotation to reach verifiers well inside an access token's life.
const JWKS_CACHE_SECONDS = 300;

const publicJwk = z.looseObject({
  kty: z.string(),
  kid: z.string(),
  alg: z.optional(z.string()),
  use: z.optional(z.string()),
  crv: z.optional(z.string()),
  x: z.optional(z.string()),
  y: z.optional(z.string()),
});

export const jwks = defineEndpoint({
  method: 'GET',
  path: '/.well-known/jwks.json',
  handler: 'functions/jwks.handler',
  schema: { headers: noHeaders, data: z.object({ keys: z.array(publicJwk) }), errors: [] },
  bare: true,
  // Public keys, read by every verifier: caching them is the point.
  cacheControl: `public, max-age=${JWKS_CACHE_SECONDS}`,
  doc: () => ({
    tag: 'Keys',
    summary: 'Public keys (JWKS)',
    description: 'The public keys that verify access tokens offline, as a plain JWK Set for any JOSE library. Cacheable.',
  }),
  fieldNotes: () => ({ keys: 'The public keys (JWK), by `kid`.' }),
  examples: [
    {
      name: 'jwks',
      summary: 'The public keys, with a trace id',
      headers: { 'X-Traceid': 'docs-example-1' },
      answer: {
        data: {
          keys: [
            {
              kty: 'EC',
              crv: 'P-256',
              x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
              y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
              kid: 'Nb9ZyKqoL6fK6ZpXz1KjW0mA3r2dUQWQnVf8gCZ1xHs',
              alg: 'ES256',
              use: 'sig',
            },
          ],
        },
      },
    },
    {
      name: 'badTraceId',
      summary: 'An X-Traceid with characters outside A-Z a-z 0-9 _ -',
      headers: { 'X-Traceid': 'not a trace id' },
      answer: { error: 'parameter', msg: 'Verify parameters failed. X-Traceid: must be 1-64 characters of A-Z a-z 0-9 _ -' },
    },
  ],
});

export type JwksData = EndpointData<typeof jwks.schema>;
