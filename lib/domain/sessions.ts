// Sessions (docs/API.md §3): what login and registration open, refresh rotates and logout ends.
// A session is a chain of refresh tokens (only hashes stored) and the access tokens issued with them.
import { ApiError } from '../errors';
import { nextId } from '../ids';
import { randomToken, sha256, successorToken } from '../secrets';
import { signAccessToken } from '../tokens/access-token';
import type { Deps } from '../container';
import type { SessionInfo } from '../api/fields';
import type { Session } from './records';

type SigningDeps = Pick<Deps, 'config' | 'signingKey'>;

async function sessionInfo(
  deps: SigningDeps,
  ids: { userId: string; sessionId: string },
  refreshToken: string,
  now: number,
): Promise<SessionInfo> {
  const accessToken = await signAccessToken(deps.signingKey, deps.config.jwt, { ...ids, issuedAtMs: now });
  return { accessToken, expiresIn: deps.config.jwt.accessTokenTtlSeconds, issuedAt: String(now), refreshToken };
}

/** A new session for `userId`: the record to store and the answer to give, nothing written yet. */
export async function newSession(deps: SigningDeps, userId: string, now: number) {
  const refreshToken = randomToken();
  const session: Session = {
    sessionId: nextId(),
    userId,
    refreshHash: sha256(refreshToken),
    createdAt: now,
    expiresAt: now + deps.config.limits.refreshTokenTtlSeconds * 1000,
  };
  return { session, info: await sessionInfo(deps, session, refreshToken, now) };
}

const invalidRefresh = () => new ApiError('invalidRefreshToken');

/**
 * Exchanges a refresh token for a new session info. The token rotates; a rotated token presented
 * again gets the same successor within the grace window (a retry, a second tab) and otherwise
 * ends the whole session, since someone other than the client may hold it.
 */
export async function refreshSession(deps: Deps, input: { authorization: string | undefined; refreshToken: string }) {
  const now = deps.now();
  // Proves who asks; whether the session still lives is the refresh token's answer (13001009).
  const access = await deps.verifyAccessToken(input.authorization, { allowExpired: true, ignoreRevocation: true, now });
  const { limits } = deps.config;
  const oldHash = sha256(input.refreshToken);
  const record = await deps.sessions.findRefresh(oldHash);
  if (!record || record.expiresAt <= now || record.userId !== access.userId) throw invalidRefresh();

  const successor = successorToken(deps.signingKey.refreshKey, input.refreshToken);
  const newHash = sha256(successor);
  const answer = async () => ({ sessionInfo: await sessionInfo(deps, record, successor, now) });

  let rotatedAt = record.rotatedAt;
  if (rotatedAt === undefined) {
    const expiresAt = now + limits.refreshTokenTtlSeconds * 1000;
    const rotated = await deps.sessions.rotateRefresh({ ...record, oldHash, newHash, expiresAt, now });
    if (rotated.kind === 'ok') return answer();
    if (rotated.sessionRevoked) throw invalidRefresh();
    rotatedAt = (await deps.sessions.findRefresh(oldHash))?.rotatedAt ?? now; // a concurrent request won
  }

  const session = await deps.sessions.findSession(record.sessionId);
  if (!session || session.revoked) throw invalidRefresh();
  const withinGrace = now - rotatedAt <= limits.refreshReuseGraceSeconds * 1000;
  if (withinGrace && session.currentRefreshHash === newHash) return answer();
  await deps.sessions.revokeSession(record.sessionId, now, deps.config.jwt.accessTokenTtlSeconds);
  throw invalidRefresh();
}

/** Ends the session of a live access token; `bodyToken` (docs/API.md §3.3) must be of the same session. */
export async function endSession(deps: Deps, input: { authorization: string | undefined; userId: string; bodyToken: string }) {
  const now = deps.now();
  const access = await deps.verifyAccessToken(input.authorization, { now });
  // Must name the same session, whose revocation the first check has just read.
  const named = await deps.verifyAccessToken(input.bodyToken, { allowExpired: true, ignoreRevocation: true, now });
  if (access.userId !== input.userId || named.sessionId !== access.sessionId) throw new ApiError('invalidAccessToken');
  await deps.sessions.revokeSession(access.sessionId, now, deps.config.jwt.accessTokenTtlSeconds);
}
