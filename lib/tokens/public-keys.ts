// The public keys that access tokens are checked against, for the functions that verify but never
// sign (logout, the authorizer, the JWKS). Deployed: a plain SSM String parameter holding the JWK
// Set, written from the signing key's parameter by `npm run signing-key -- public` (README,
// "Deploy to AWS"), so these functions' roles need no access to the private key. Local: the public
// parts of the signing key file.
import type { Config } from '../config';
import { readParameter } from './key-store';
import { loadStoredKeys, publicPart, publishedKeys, type PublicJwk } from './signing-key';

/** The public keys of a stored JWK Set; a private part in it is refused, not passed on. */
export async function publicKeysFrom(text: string): Promise<PublicJwk[]> {
  const set = JSON.parse(text) as { keys?: unknown };
  if (!Array.isArray(set.keys) || set.keys.length === 0) throw new Error('the public keys parameter holds no JWK Set');
  const keys = set.keys as PublicJwk[];
  if (keys.some((k) => 'd' in k)) throw new Error('the public keys parameter holds a private key: write it with `signing-key public`');
  return Promise.all(keys.map(publicPart));
}

export async function loadPublicKeys(config: Pick<Config, 'publicKeys' | 'signingKey' | 'region'>): Promise<PublicJwk[]> {
  if (config.publicKeys.parameter) return publicKeysFrom(await readParameter(config.publicKeys.parameter, config.region));
  // Local: one key file, the functions all on this machine.
  if (config.signingKey.parameter) throw new Error('a deployed stage reads its public keys from PUBLIC_KEYS_PARAMETER');
  return publishedKeys(await loadStoredKeys(config));
}
