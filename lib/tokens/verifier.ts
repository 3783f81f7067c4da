// Verifies access tokens: signature against the published keys, issuer, audience, expiry, and
// revocation. Shared by the refresh and logout endpoints and the API Gateway authorizer; other
// services can use it with the remote JWKS (`createRemoteJWKSet`) and no revocation store.
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ApiError } from '../errors';
import type { Config } from '../config';
import { SIGNING_ALG } from './signing-key';

export interface VerifiedAccessToken {
  userId: string;
  sessionId: string;
  jti: string;
  expiresAt: number;
  expired: boolean;
}

/** Where a verifier learns whether a token's session still lives: one read of that session. */
export interface RevocationList {
  isSessionLive(input: { sessionId: string; userId: string; now: number }): Promise<boolean>;
}

// `AT <jws>` (KooDrive), `Bearer <jws>` or the bare JWS.
const SCHEME = /^(?:AT|Bearer)\s+/i;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const stripScheme = (value: string): string => value.trim().replace(SCHEME, '');

const invalid = () => new ApiError('invalidAccessToken');

export interface VerifierOptions {
  keys: JWTVerifyGetKey;
  jwt: Pick<Config['jwt'], 'issuer' | 'audience'>;
  revocations?: RevocationList;
}

export function createVerifier(options: VerifierOptions) {
  /**
   * Throws ApiError invalidAccessToken unless the token is genuine and live. With
   * `allowExpired`, a genuine token past its expiry passes too (marked `expired`); with
   * `ignoreRevocation`, one of an ended session too (refresh judges its session itself).
   */
  return async function verifyAccessToken(
    authorization: string | undefined,
    {
      allowExpired = false,
      ignoreRevocation = false,
      now = Date.now(),
    }: { allowExpired?: boolean; ignoreRevocation?: boolean; now?: number } = {},
  ): Promise<VerifiedAccessToken> {
    const token = stripScheme(authorization ?? '');
    if (!COMPACT_JWS.test(token)) throw invalid();
    let payload: JWTPayload;
    let expired = false;
    try {
      ({ payload } = await jwtVerify(token, options.keys, {
        issuer: options.jwt.issuer,
        audience: options.jwt.audience,
        algorithms: [SIGNING_ALG],
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
        currentDate: new Date(now),
      }));
    } catch (error) {
      // jose checks the signature, issuer and audience before the expiry: an expired token got this far genuine.
      if (!(allowExpired && error instanceof errors.JWTExpired)) throw invalid();
      payload = error.payload;
      expired = true;
    }
    const { sub, jti, exp, sid } = payload as JWTPayload & { sid?: unknown };
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof sid !== 'string' || typeof exp !== 'number') {
      throw invalid();
    }
    if (!ignoreRevocation && options.revocations && !(await options.revocations.isSessionLive({ sessionId: sid, userId: sub, now }))) {
      throw invalid();
    }
    return { userId: sub, sessionId: sid, jti, expiresAt: exp * 1000, expired };
  };
}

export type AccessTokenVerifier = ReturnType<typeof createVerifier>;
