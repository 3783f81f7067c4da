// The HMAC key of stored SMS codes (lib/secrets.ts, codeHash): a secret of its own, held only by
// the functions that send and check codes. It could forge no token; the signing key it used to be
// derived from would let them mint any. Deployed: an SSM SecureString, read once per container.
// Local: a file, generated on first start beside the signing key.
//
// Stored as an octet JWK: `npm run -s signing-key -- code-key` prints a new one.
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { readKey, readOrCreateFile } from './key-store';

/** 256 bits: an HMAC-SHA-256 key as long as its output. */
const CODE_KEY_BYTES = 32;

export interface CodeKey {
  /** Names the key in logs and records without revealing it. */
  kid: string;
  secret: Uint8Array;
}

interface StoredCodeKey {
  kty: 'oct';
  k: string;
  kid?: string;
}

const kidOf = (secret: Uint8Array) => createHash('sha256').update(secret).digest('base64url').slice(0, 16);

/** A new code key, as stored. */
export function generateCodeJwk(): StoredCodeKey {
  const secret = randomBytes(CODE_KEY_BYTES);
  return { kty: 'oct', k: secret.toString('base64url'), kid: kidOf(secret) };
}

/** The key a stored value holds; too short a key is refused. */
export function codeKeyFrom(text: string): CodeKey {
  const stored = JSON.parse(text) as Partial<StoredCodeKey>;
  const secret = stored.kty === 'oct' && typeof stored.k === 'string' ? Buffer.from(stored.k, 'base64url') : undefined;
  if (!secret || secret.length < CODE_KEY_BYTES) throw new Error(`the code key must be an octet JWK of at least ${CODE_KEY_BYTES} bytes`);
  return { kid: stored.kid ?? kidOf(secret), secret: new Uint8Array(secret) };
}

const newCodeKeyText = () => Promise.resolve(JSON.stringify(generateCodeJwk()));

/** Reads the key file, creating it first when it does not exist (never overwriting one). */
export async function ensureCodeKeyFile(file: string): Promise<CodeKey> {
  return codeKeyFrom(await readOrCreateFile(file, newCodeKeyText));
}

export async function loadCodeKey(config: Pick<Config, 'codeKey' | 'region'>): Promise<CodeKey> {
  return codeKeyFrom(await readKey('code key', config.codeKey, config.region, newCodeKeyText));
}
