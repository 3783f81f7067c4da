// The ES256 key that signs access tokens. Deployed: a private JWK in an SSM SecureString, read once
// per container. Local: a JWK file, generated on first start into a git-ignored folder.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { hkdfSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../config';

export const SIGNING_ALG = 'ES256';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public half, as published in the JWKS. */
  publicJwk: JWK;
  /** Key for the HMAC of stored SMS codes, derived from the private key (one secret to manage). */
  codeHashKey: Uint8Array;
}

async function fromJwk(jwk: JWK): Promise<SigningKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d) throw new Error('signing key must be a private P-256 JWK');
  const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk));
  const { d: _private, ...publicJwk } = jwk;
  const privateKey = (await importJWK({ ...jwk, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
  const codeHashKey = new Uint8Array(hkdfSync('sha256', Buffer.from(jwk.d, 'base64url'), '', 'sms-code-hash', 32));
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' }, codeHashKey };
}

/** A new private JWK with its thumbprint as kid. */
export async function generateSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: SIGNING_ALG };
}

/** Reads the key file, creating it first when it does not exist (never overwriting one). */
export async function ensureKeyFile(file: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
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

async function fromSsm(name: string, region: string): Promise<JWK> {
  const ssm = new SSMClient({ region });
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  if (!Parameter?.Value) throw new Error('signing key parameter is empty');
  return JSON.parse(Parameter.Value) as JWK;
}

export async function loadSigningKey(config: Pick<Config, 'signingKey' | 'region'>): Promise<SigningKey> {
  const { parameter, file } = config.signingKey;
  const jwk = parameter ? await fromSsm(parameter, config.region) : await ensureKeyFile(String(file));
  return fromJwk(jwk);
}
