// The ES256 key that signs access tokens. Deployed: an SSM SecureString, read once per container.
// Local: a file, generated on first start into a git-ignored folder.
//
// The stored value is a private JWK, or a JWK Set during a key rotation: the first key with a
// private part signs, and the public part of every key is published (README, "Rotating the key").
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { hkdfSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../config';
import { traced } from '../observability/tracer';

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
  /** HMAC key of stored SMS codes, derived from the private key (one secret to manage). */
  codeHashKey: Uint8Array;
  /** HMAC key that derives a rotated refresh token from its predecessor. */
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

/** The key that signs: the first with a private part. */
export function signingJwk(stored: StoredKeys): JWK & { d: string } {
  const signing = storedKeys(stored).find((k): k is JWK & { d: string } => typeof k.d === 'string' && k.d !== '');
  if (!signing) throw new Error('the signing key set holds no private key');
  return signing;
}

async function fromStored(stored: StoredKeys): Promise<SigningKey> {
  const keys = storedKeys(stored);
  const signing = signingJwk(stored);
  const publicJwk = await publicPart(signing);
  const others = await Promise.all(keys.filter((k) => k !== signing).map(publicPart));
  const privateKey = (await importJWK({ ...signing, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
  return {
    kid: publicJwk.kid,
    privateKey,
    publicJwk,
    publishedKeys: [publicJwk, ...others],
    codeHashKey: derive(signing.d, 'sms-code-hash'),
    refreshKey: derive(signing.d, 'refresh-rotation'),
  };
}

/** A new private JWK with its thumbprint as kid. */
export async function generateSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: SIGNING_ALG };
}

/** Reads the key file, creating it first when it does not exist (never overwriting one). */
export async function ensureKeyFile(file: string): Promise<StoredKeys> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredKeys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const jwk = await generateSigningJwk();
  try {
    await writeFile(file, JSON.stringify(jwk), { flag: 'wx', mode: 0o600 });
    return jwk;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return JSON.parse(await readFile(file, 'utf8')) as JWK;
    throw error;
  }
}

async function fromSsm(name: string, region: string): Promise<StoredKeys> {
  const ssm = await traced(new SSMClient({ region }));
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  if (!Parameter?.Value) throw new Error('signing key parameter is empty');
  return JSON.parse(Parameter.Value) as StoredKeys;
}

export async function loadSigningKey(config: Pick<Config, 'signingKey' | 'region'>): Promise<SigningKey> {
  const { parameter, file } = config.signingKey;
  const jwk = parameter ? await fromSsm(parameter, config.region) : await ensureKeyFile(String(file));
  return fromStored(jwk);
}
