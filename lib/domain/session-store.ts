// What the session flows (sessions.ts) need from storage: refresh tokens by hash, their rotation,
// and revocation.
/** What a presented refresh token (by hash) is. */
export interface RefreshRecord {
  sessionId: string;
  userId: string;
  expiresAt: number;
  /** When it was exchanged for its successor; undefined while it is the session's current token. */
  rotatedAt: number | undefined;
}

export interface SessionState {
  userId: string;
  currentRefreshHash: string;
  expiresAt: number;
  revoked: boolean;
}

/** A refresh-token rotation: the session's current hash `oldHash` becomes `newHash`. */
export interface RefreshRotation {
  sessionId: string;
  userId: string;
  oldHash: string;
  newHash: string;
  expiresAt: number;
  now: number;
}

/** A rotation that wrote nothing: the presented token is no longer current, or the session was revoked. */
export interface RotationRefused {
  kind: 'refused';
  sessionRevoked: boolean;
}

export interface SessionStore {
  findRefresh(refreshHash: string): Promise<RefreshRecord | undefined>;
  findSession(sessionId: string): Promise<SessionState | undefined>;

  /** Exchanges the session's current refresh token for its successor, atomically. */
  rotateRefresh(input: RefreshRotation): Promise<{ kind: 'ok' } | RotationRefused>;

  /** Ends the session: no refresh token of it works again, no access token of it verifies. */
  revokeSession(sessionId: string, now: number, accessTokenTtlSeconds: number): Promise<void>;

  isSessionRevoked(sessionId: string): Promise<boolean>;
}
