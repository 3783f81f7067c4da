// Access tokens: `AT ` + a compact ES256 JWS (docs/API.md §1).
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import { SIGNING_ALG, type SigningKey } from './signing-key';

export const ACCESS_TOKEN_PREFIX = 'AT ';

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  issuedAtMs: number;
}

export async function signAccessToken(key: SigningKey, jwt: Config['jwt'], claims: AccessTokenClaims): Promise<string> {
  const iat = Math.floor(claims.issuedAtMs / 1000);
  const jws = await new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setSubject(claims.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + jwt.accessTokenTtlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
  return ACCESS_TOKEN_PREFIX + jws;
}
