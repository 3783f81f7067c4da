// Trust for other services: access tokens verify with nothing but the published JWKS, and every
// forged, foreign or stale token is refused.
import { createLocalJWKSet, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningJwk, loadSigningKey } from '../lib/tokens/signing-key';
import { createVerifier } from '../lib/tokens/verifier';
import { call, registeredUser, service, type Service } from './helpers';

let svc: Service;
let jwks: { keys: JWK[] };
beforeAll(async () => {
  svc = await service();
  const answer = await call(svc.jwks, { headers: {} });
  jwks = JSON.parse(answer.raw) as { keys: JWK[] };
});

const jwt = { issuer: 'koodrive-signup', audience: 'koodrive' };
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token signed with the service's own private key, with claims of the test's choosing. */
async function signed(claims: { iss?: string; aud?: string; iat?: number; exp?: number }, header: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: '1', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: svc.deps.signingKey.kid, ...header })
    .setIssuer(claims.iss ?? jwt.issuer)
    .setAudience(claims.aud ?? jwt.audience)
    .setSubject('42')
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + 600)
    .setJti('jti-1')
    .sign(svc.deps.signingKey.privateKey);
}

describe('GET /.well-known/jwks.json', () => {
  it('publishes the public key by kid, with no private part, cacheable', async () => {
    const answer = await call(svc.jwks, { headers: {} });
    expect(answer.status).toBe(200);
    expect(answer.headers['Cache-Control']).toMatch(/^public, max-age=\d+$/);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: svc.deps.signingKey.kid });
    expect(jwks.keys.some((k) => 'd' in k)).toBe(false);
  });
});

describe('verification with only the public JWKS', () => {
  it('accepts a real access token with plain jose, and the reusable verifier', async () => {
    const { userId, session } = await registeredUser(svc);
    const token = session.accessToken.replace(/^AT /, '');
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { ...jwt, algorithms: ['ES256'] });
    expect(payload.sub).toBe(userId);

    const verify = createVerifier({ keys: createLocalJWKSet(jwks), jwt });
    for (const form of [session.accessToken, `Bearer ${token}`, token]) {
      expect((await verify(form)).userId).toBe(userId);
    }
  });

  const verify = () => createVerifier({ keys: createLocalJWKSet(jwks), jwt });
  const refused = async (token: string) => expect(verify()(token)).rejects.toMatchObject({ code: 13001010 });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await signed({})).split('.');
    await refused(`${header}.${b64({ sub: 'admin', iss: jwt.issuer, aud: jwt.audience, exp: 9e9, jti: 'x', sid: '1' })}.${signature}`);
  });

  it('refuses a token signed by another key, whatever kid it claims', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    for (const kid of ['someone-else', svc.deps.signingKey.kid]) {
      const forged = await new SignJWT({ sid: '1' })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(jwt.issuer)
        .setAudience(jwt.audience)
        .setSubject('42')
        .setIssuedAt()
        .setExpirationTime('10m')
        .setJti('j')
        .sign(privateKey);
      await refused(forged);
    }
  });

  it('refuses alg none and an HMAC keyed with the public key', async () => {
    const claims = { sub: '42', iss: jwt.issuer, aud: jwt.audience, exp: 9e9, iat: 1, jti: 'x', sid: '1' };
    await refused(`${b64({ alg: 'none', kid: svc.deps.signingKey.kid })}.${b64(claims)}.`);
    const secret = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    const hmac = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: svc.deps.signingKey.kid }).sign(secret);
    await refused(hmac);
  });

  it('refuses an expired token, a wrong audience and a wrong issuer', async () => {
    await refused(await signed({ iat: 1_000, exp: 2_800 }));
    await refused(await signed({ aud: 'another-service' }));
    await refused(await signed({ iss: 'https://evil.example' }));
    expect((await verify()(await signed({}))).userId).toBe('42'); // the same recipe, unaltered, passes
  });
});

describe('key rotation', () => {
  it('publishes the old public key next to the new signing key, so tokens of both verify', async () => {
    const oldJwk = await generateSigningJwk();
    const newJwk = await generateSigningJwk();
    const oldKey = await loadSigningKey({ region: 'us-east-1', signingKey: { parameter: undefined, file: writeKey(oldJwk) } });
    const { d: _drop, ...oldPublic } = oldJwk;
    const rotated = await loadSigningKey({
      region: 'us-east-1',
      signingKey: { parameter: undefined, file: writeKey({ keys: [newJwk, oldPublic] }) },
    });
    expect(rotated.kid).toBe(newJwk.kid);
    expect(rotated.publishedKeys.map((k) => k.kid)).toEqual([newJwk.kid, oldJwk.kid]);

    const verify = createVerifier({ keys: createLocalJWKSet({ keys: rotated.publishedKeys }), jwt });
    for (const key of [oldKey, rotated]) {
      const token = await new SignJWT({ sid: '1' })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid })
        .setIssuer(jwt.issuer)
        .setAudience(jwt.audience)
        .setSubject('7')
        .setIssuedAt()
        .setExpirationTime('10m')
        .setJti('j')
        .sign(key.privateKey);
      expect((await verify(token)).userId).toBe('7');
    }
  });
});

const keyDir = mkdtempSync(join(tmpdir(), 'koodrive-key-'));
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

let keyFiles = 0;
function writeKey(content: object): string {
  const file = join(keyDir, `key-${keyFiles++}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}
