// Sessions: a refresh token (only its hash stored) and the access token that rides with it.
import { nextId } from '../ids';
import { randomToken, sha256 } from '../secrets';
import { signAccessToken } from '../tokens/access-token';
import type { Deps } from '../container';
import type { Session } from '../store/store';

export interface SessionInfo {
  accessToken: string;
  expiresIn: number;
  issuedAt: string;
  refreshToken: string;
}

/** A new session for `userId`: the record to store and the answer to give, nothing written yet. */
export async function openSession(deps: Pick<Deps, 'config' | 'signingKey'>, userId: string, now: number) {
  const refreshToken = randomToken();
  const session: Session = {
    sessionId: nextId(),
    userId,
    refreshHash: sha256(refreshToken),
    createdAt: now,
    expiresAt: now + deps.config.limits.refreshTokenTtlSeconds * 1000,
  };
  const accessToken = await signAccessToken(deps.signingKey, deps.config.jwt, {
    userId,
    sessionId: session.sessionId,
    issuedAtMs: now,
  });
  const info: SessionInfo = {
    accessToken,
    expiresIn: deps.config.jwt.accessTokenTtlSeconds,
    issuedAt: String(now),
    refreshToken,
  };
  return { session, info };
}
