// The records the flows share with their stores, in domain terms, and the facts a refused write
// reports about them. Each flow's store interface sits beside it: verification-store.ts,
// account-store.ts, session-store.ts. What a refusal tells the client is decided in lib/domain,
// never by a store (refusals.ts and the flows).
import type { CodeType } from '../api/fields';

export interface User {
  userId: string;
  phone: string;
  firstname: string;
  surname: string;
  email: string;
  passwordHash: string;
  createdAt: number;
}

/**
 * A user as stored: the profile, and the index of the user's sessions that lets one write end all
 * of them (docs/adr/0014-session-index-on-the-user.md).
 */
export interface StoredUser extends User {
  /**
   * The user's sessions, id → the latest moment each can live (its absolute end). Undefined for a
   * user stored before the index existed; such a user's first new session starts it.
   */
  sessions: Readonly<Record<string, number>> | undefined;
  /** Bumped by every write that changes the user item, so that a write over a read can tell it is stale. */
  rev: number;
  /**
   * The key (hash) of the captcha token that paid for the registration: the one spent token that
   * names its user, for the registration's retry; the account's deletion erases it. Undefined for a
   * user stored before it was kept.
   */
  registeredWith: string | undefined;
  /**
   * The key (hash) of the captcha token of the user's latest phone change, which names the user for
   * that change's retry (docs/API.md §6.5). The next phone change deletes it, the deletion too.
   */
  phoneChangedWith: string | undefined;
}

/** A new session: its current refresh token (hash) and how long that token lives. */
export interface Session {
  sessionId: string;
  userId: string;
  /** SHA-256 of the refresh token, never the token. */
  refreshHash: string;
  /** When its current refresh token expires: renewed by each refresh, never past `endsAt`. */
  expiresAt: number;
  createdAt: number;
  /** The session's absolute end (SESSION_MAX_LIFETIME_SECONDS after it opened). */
  endsAt: number;
}

/** At most `max` events per fixed window of `windowSeconds` for `key`. */
export interface Quota {
  key: string;
  max: number;
  windowSeconds: number;
}

export interface CaptchaToken {
  /** SHA-256 of the token, never the token. */
  tokenHash: string;
  phone: string;
  codeType: CodeType;
  expiresAt: number;
}

/** A captcha token to spend in the same write as what it pays for. */
export type TokenSpend = Omit<CaptchaToken, 'expiresAt'>;

/** A captcha token's stored item as a refused spend found it. */
export interface StoredToken {
  phone: string;
  codeType: string;
  expiresAt: number;
  /** When it was spent; undefined while unused. */
  usedAt: number | undefined;
  /** The user it paid for, when spent. */
  usedBy: string | undefined;
}

/** A token spend whose condition failed: the token's item, undefined when none is stored. */
export interface TokenRefused {
  found: StoredToken | undefined;
}

/** A write refused because limits were exhausted: how long each of them still holds, in ms. */
export interface Limited {
  kind: 'limited';
  waitsMs: number[];
}
