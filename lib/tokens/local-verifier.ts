// The verifier of this service's own functions: the public keys they hold, and revocations. Passed
// to the container by the functions that check tokens (lib/container.ts, DepsParts), so that the
// others' bundles leave out verification.
import { createLocalJWKSet } from 'jose';
import type { PublicJwk } from './signing-key';
import { createVerifier, type AccessTokenVerifier, type VerifierOptions } from './verifier';

export const localVerifier = (keys: PublicJwk[], options: Omit<VerifierOptions, 'keys'>): AccessTokenVerifier =>
  createVerifier({ ...options, keys: createLocalJWKSet({ keys }) });
