// What the domain needs from storage, in domain terms. The DynamoDB implementations are in
// lib/store/dynamo/; nothing outside lib/store sees an SDK type.
import type { CodeType } from '../api/fields';

export interface VerificationCode {
  requestId: string;
  phone: string;
  codeType: CodeType;
  /** Keyed hash of the code (secrets.codeHash), never the code. */
  codeHash: string;
  expiresAt: number;
  failCount: number;
  redeemed: boolean;
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

export interface User {
  userId: string;
  phone: string;
  firstname: string;
  surname: string;
  email: string;
  passwordHash: string;
  createdAt: number;
}

/** A new session: its current refresh token (hash) and how long that token lives. */
export interface Session {
  sessionId: string;
  userId: string;
  /** SHA-256 of the refresh token, never the token. */
  refreshHash: string;
  expiresAt: number;
  createdAt: number;
}

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

/** At most `max` events per fixed window of `windowSeconds` for `key`. */
export interface Quota {
  key: string;
  max: number;
  windowSeconds: number;
}

/** At most one event per `seconds` for `key`. */
export interface Cooldown {
  key: string;
  seconds: number;
}

export interface VerificationStore {
  /**
   * Stores a new code, atomically with spending the sender's quotas. Throws
   * ApiError tooManyAttempts (with retryAfterSeconds) when a quota or cooldown is exhausted;
   * then nothing is stored or spent.
   */
  saveCode(code: VerificationCode, spend: { quotas: Quota[]; cooldown?: Cooldown; now: number }): Promise<void>;

  /**
   * Lifts the cooldown `saveCode` set at `now` (and only that one), for a code that could not be
   * sent: the client may ask again at once. The quotas stay spent.
   */
  releaseCooldown(cooldown: Cooldown, now: number): Promise<void>;

  findCode(requestId: string): Promise<VerificationCode | undefined>;

  /** Counts one wrong guess and returns the new failCount; tooManyAttempts once `maxAttempts` were counted. */
  countWrongCode(requestId: string, maxAttempts: number): Promise<number>;

  /**
   * Marks the code redeemed and stores the captcha token it buys, atomically. Throws
   * tooManyAttempts when the attempts ran out meanwhile, wrongCode when it was already redeemed.
   */
  redeemCode(requestId: string, maxAttempts: number, token: CaptchaToken, now: number): Promise<void>;
}

export interface AccountStore {
  /**
   * The whole registration in one atomic write: spends the captcha token (issued for this
   * phone and scenario, unexpired, unused), claims the phone, stores the user and the first
   * session. Throws tokenInvalid (TokenAlreadyUsed when it paid for a registration already) /
   * tokenExpired / phoneTaken; nothing is written then.
   */
  registerUser(input: { token: TokenSpend; user: User; session: Session; now: number }): Promise<void>;

  findUserByPhone(phone: string): Promise<User | undefined>;
  findUser(userId: string): Promise<User | undefined>;

  /** Spends one login attempt of the quota; tooManyAttempts (with retryAfterSeconds) when none is left. */
  spendLoginAttempt(quota: Quota, now: number): Promise<void>;

  /**
   * Stores a session opened by a login, in one write with what the login spends: the captcha
   * token (authType 2: throws tokenInvalid / tokenExpired, then badCredentials when token.phone
   * is not this user's) or the reset of the account's failed-attempt quota.
   */
  openSession(input: { session: Session; now: number; token?: TokenSpend; resetQuota?: Quota }): Promise<void>;
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

export interface SessionStore {
  findRefresh(refreshHash: string): Promise<RefreshRecord | undefined>;
  findSession(sessionId: string): Promise<SessionState | undefined>;

  /**
   * Exchanges the session's current refresh token for its successor, atomically. False when the
   * presented token is no longer current (another request rotated it first); throws
   * invalidRefreshToken when the session was revoked.
   */
  rotateRefresh(input: RefreshRotation): Promise<boolean>;

  /** Ends the session: no refresh token of it works again, no access token of it verifies. */
  revokeSession(sessionId: string, now: number, accessTokenTtlSeconds: number): Promise<void>;

  isSessionRevoked(sessionId: string): Promise<boolean>;
}
