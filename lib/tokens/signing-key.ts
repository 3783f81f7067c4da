// The ES256 key that signs access tokens, held only by the functions that sign (register, login,
// refresh). Deployed: an SSM SecureString, read once per container. Local: a file, generated on
// first start into a git-ignored folder. The functions that only verify read the public keys
// (lib/tokens/public-keys.ts); the SMS-code HMAC key is a secret of its own (lib/tokens/code-key.ts).
//
// The stored value is a private JWK, or a JWK Set during a key rotation: the first key with a
// private part signs, and the public part of every key is published (README, "Rotating the key").
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { hkdfSync } from 'node:crypto';
import type { Config } from '../config';
import { readKey, readOrCreateFile } from './key-store';

export const SIGNING_ALG = 'ES256';

/** What the key source holds: one private JWK, or a set during a rotation. */
export type StoredKeys = JWK | { keys: JWK[] };

/** A published key: always typed and named, so verifiers can pick it by `kid`. */
export type PublicJwk = JWK & { kty: string; kid: string };

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public half of the signing key. */
  publicJwk: PublicJwk;
  /** Every public key verifiers should accept (the JWKS): the signing key first. */
  publishedKeys: PublicJwk[];
  /** HMAC key that derives a rotated refresh token from its predecessor (only refresh uses it). */
  refreshKey: Uint8Array;
}

/** The public half of a P-256 key, named by its thumbprint when it has no kid. */
export async function publicPart(jwk: JWK): Promise<PublicJwk> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new Error('keys must be P-256 JWKs');
  const { d: _private, ...rest } = jwk;
  return { ...rest, kty: jwk.kty, kid: jwk.kid ?? (await calculateJwkThumbprint(jwk)), alg: SIGNING_ALG, use: 'sig' };
}

const derive = (d: string, purpose: string) => new Uint8Array(hkdfSync('sha256', Buffer.from(d, 'base64url'), '', purpose, 32));

/** Every key a stored value holds. */
export const storedKeys = (stored: StoredKeys): JWK[] => ('keys' in stored ? stored.keys : [stored]);

const hasPrivatePart = (k: JWK): k is JWK & { d: string } => typeof k.d === 'string' && k.d !== '';

/** The key that signs: the first with a private part. */
export function signingJwk(stored: StoredKeys): JWK & { d: string } {
  const signing = storedKeys(stored).find(hasPrivatePart);
  if (!signing) throw new Error('the signing key set holds no private key');
  return signing;
}

/** A key made ready to sign but not signing yet: a private key after the signing one (README, "Rotating the key"). */
export const preparedJwk = (stored: StoredKeys): (JWK & { d: string }) | undefined => storedKeys(stored).filter(hasPrivatePart)[1];

/** The public keys of a stored value, the signing key first: what verifiers accept. */
export async function publishedKeys(stored: StoredKeys): Promise<PublicJwk[]> {
  const signing = signingJwk(stored);
  return Promise.all([signing, ...storedKeys(stored).filter((k) => k !== signing)].map(publicPart));
}

async function fromStored(stored: StoredKeys): Promise<SigningKey> {
  const signing = signingJwk(stored);
  const [publicJwk, ...others] = await publishedKeys(stored);
  if (!publicJwk) throw new Error('the signing key set holds no key');
  const privateKey = (await importJWK({ ...signing, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
  return {
    kid: publicJwk.kid,
    privateKey,
    publicJwk,
    publishedKeys: [publicJwk, ...others],
    refreshKey: derive(signing.d, 'refresh-rotation'),
  };
}

/** A new private JWK with its thumbprint as kid. */
export async function generateSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: SIGNING_ALG };
}

const newSigningKeyText = async () => JSON.stringify(await generateSigningJwk());

/** Reads the key file, creating it first when it does not exist (never overwriting one). */
export async function ensureKeyFile(file: string): Promise<StoredKeys> {
  return JSON.parse(await readOrCreateFile(file, newSigningKeyText)) as StoredKeys;
}

/** The stored value of the signing key, from its parameter or file. */
export async function loadStoredKeys(config: Pick<Config, 'signingKey' | 'region'>): Promise<StoredKeys> {
  return JSON.parse(await readKey('signing key', config.signingKey, config.region, newSigningKeyText)) as StoredKeys;
}

export async function loadSigningKey(config: Pick<Config, 'signingKey' | 'region'>): Promise<SigningKey> {
  return fromStored(await loadStoredKeys(config));
}
