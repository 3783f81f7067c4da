// Sessions (docs/API.md §3): what login and registration open, refresh rotates and logout ends.
// A session is a chain of refresh tokens (only hashes stored) and the access tokens issued with them.
import { ApiError } from '../errors';
import { nextId } from '../ids';
import { randomToken, sha256, successorToken } from '../secrets';
import { signAccessToken } from '../tokens/access-token';
import type { Deps } from '../container';
import type { SessionInfo } from '../api/fields';
import type { Session, StoredUser } from './records';

/**
 * Live sessions one user may hold. Ending all of a user's sessions (a reset, a deletion) is one
 * transaction, and DynamoDB's hold 100 items: this leaves room for what those writes add. Opening
 * one more ends the oldest.
 */
export const MAX_SESSIONS_PER_USER = 50;

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
    endsAt: now + deps.config.limits.sessionMaxLifetimeSeconds * 1000,
  };
  session.expiresAt = Math.min(session.expiresAt, session.endsAt);
  return { session, info: await sessionInfo(deps, session, refreshToken, now) };
}

/**
 * The sessions a new one pushes out of `user`'s index: those past their absolute end, and the
 * oldest live ones beyond MAX_SESSIONS_PER_USER.
 */
export function sessionsPushedOut(user: StoredUser, now: number): string[] {
  const entries = Object.entries(user.sessions ?? {});
  const over = entries.filter(([, endsAt]) => endsAt <= now).map(([id]) => id);
  const live = entries.filter(([, endsAt]) => endsAt > now).sort(([, a], [, b]) => a - b);
  const excess = live.length + 1 - MAX_SESSIONS_PER_USER;
  return [...over, ...live.slice(0, Math.max(0, excess)).map(([id]) => id)];
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
  if (!record || record.expiresAt <= now) throw invalidRefresh();

  const successor = successorToken(deps.signingKey.refreshKey, input.refreshToken);
  const newHash = sha256(successor);
  const answer = async () => ({
    sessionInfo: await sessionInfo(deps, { userId: access.userId, sessionId: record.sessionId }, successor, now),
  });

  // Sessions stored before they had an absolute end get one from now on.
  const endsAt = record.endsAt ?? now + limits.sessionMaxLifetimeSeconds * 1000;
  if (endsAt <= now) throw invalidRefresh();

  let rotatedAt = record.rotatedAt;
  if (rotatedAt === undefined) {
    const expiresAt = Math.min(now + limits.refreshTokenTtlSeconds * 1000, endsAt);
    const rotated = await deps.sessions.rotateRefresh({
      sessionId: record.sessionId,
      userId: access.userId,
      oldHash,
      newHash,
      expiresAt,
      endsAt,
      now,
    });
    if (rotated.kind === 'ok') return answer();
    rotatedAt = (await deps.sessions.findRefresh(oldHash))?.rotatedAt ?? now; // a concurrent request won, or the session ended
  }

  const session = await deps.sessions.findSession(record.sessionId);
  if (!session || session.userId !== access.userId) throw invalidRefresh();
  const withinGrace = now - rotatedAt <= limits.refreshReuseGraceSeconds * 1000;
  if (withinGrace && session.currentRefreshHash === newHash) return answer();
  await deps.sessions.endSession({ sessionId: record.sessionId, userId: session.userId });
  throw invalidRefresh();
}

/**
 * Ends the session of a live access token, or with `allSessions` every session of its user;
 * `bodyToken` (docs/API.md §3.3) must be of the same session.
 */
export async function endSession(
  deps: Deps,
  input: { authorization: string | undefined; userId: string; bodyToken: string; allSessions?: boolean | undefined },
) {
  const now = deps.now();
  const access = await deps.verifyAccessToken(input.authorization, { now });
  // Must name the same session, whose liveness the first check has just read.
  const named = await deps.verifyAccessToken(input.bodyToken, { allowExpired: true, ignoreRevocation: true, now });
  if (access.userId !== input.userId || named.sessionId !== access.sessionId) throw new ApiError('invalidAccessToken');
  if (input.allSessions) await deps.sessions.endSessions({ userId: access.userId });
  else await deps.sessions.endSession({ sessionId: access.sessionId, userId: access.userId });
}
