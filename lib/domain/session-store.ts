// What the session flows (sessions.ts) need from storage: refresh tokens by hash, their rotation,
// and ending sessions. An ended session's item is gone: verifiers read the session they are
// shown, never a list (docs/adr/0014-session-index-on-the-user.md).
/** What a presented refresh token (by hash) is. */
export interface RefreshRecord {
  sessionId: string;
  expiresAt: number;
  /** The session's absolute end; undefined for a token stored before sessions had one. */
  endsAt: number | undefined;
  /** When it was exchanged for its successor; undefined while it is the session's current token. */
  rotatedAt: number | undefined;
}

export interface SessionState {
  userId: string;
  currentRefreshHash: string;
  expiresAt: number;
  endsAt: number | undefined;
}

/** A refresh-token rotation: the session's current hash `oldHash` becomes `newHash`. */
export interface RefreshRotation {
  sessionId: string;
  /** The user the caller proved to be: the session must be theirs. */
  userId: string;
  oldHash: string;
  newHash: string;
  expiresAt: number;
  endsAt: number;
  now: number;
}

/** A rotation that wrote nothing: the presented token is no longer current, or the session ended. */
export interface RotationRefused {
  kind: 'refused';
}

export interface SessionStore {
  findRefresh(refreshHash: string): Promise<RefreshRecord | undefined>;
  /** The session while it lives; undefined once it ended (logout, revocation, its user deleted). */
  findSession(sessionId: string): Promise<SessionState | undefined>;

  /** Exchanges the session's current refresh token for its successor, atomically. */
  rotateRefresh(input: RefreshRotation): Promise<{ kind: 'ok' } | RotationRefused>;

  /** Ends one session of the user: no refresh token of it works again, no access token of it verifies. */
  endSession(input: { sessionId: string; userId: string }): Promise<void>;

  /**
   * Ends every session of the user but `keep`, in one write with the user's session index, so a
   * session opened meanwhile is either ended too or the write is retried over it.
   */
  endSessions(input: { userId: string; keep?: string }): Promise<void>;

  /** Whether an access token of this session and user may still be honoured: one read of its own session. */
  isSessionLive(input: { sessionId: string; userId: string; now: number }): Promise<boolean>;
}
