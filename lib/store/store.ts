// What the domain needs from storage, in domain terms. The DynamoDB implementation is in
// dynamo-store.ts; nothing outside lib/store sees an SDK type.
import type { CodeType } from '../schemas';

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

export interface User {
  userId: string;
  phone: string;
  firstname: string;
  surname: string;
  email: string;
  passwordHash: string;
  createdAt: number;
}

export interface Session {
  sessionId: string;
  userId: string;
  /** SHA-256 of the refresh token, never the token. */
  refreshHash: string;
  expiresAt: number;
  createdAt: number;
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

export interface Store {
  /**
   * Stores a new code, atomically with spending the sender's quotas. Throws
   * ApiError tooManyAttempts (with retryAfterSeconds) when a quota or cooldown is exhausted;
   * then nothing is stored or spent.
   */
  saveCode(code: VerificationCode, spend: { quotas: Quota[]; cooldown?: Cooldown; now: number }): Promise<void>;

  findCode(requestId: string): Promise<VerificationCode | undefined>;

  /** Counts one wrong guess and returns the new failCount; tooManyAttempts once `maxAttempts` were counted. */
  countWrongCode(requestId: string, maxAttempts: number): Promise<number>;

  /**
   * Marks the code redeemed and stores the captcha token it buys, atomically. Throws
   * tooManyAttempts when the attempts ran out meanwhile, wrongCode when it was already redeemed.
   */
  redeemCode(requestId: string, maxAttempts: number, token: CaptchaToken, now: number): Promise<void>;

  /**
   * The whole registration in one atomic write: consumes the captcha token (issued for
   * user.phone and `codeType`, unexpired, unused), claims the phone, stores the user and the
   * first session. Throws tokenInvalid / tokenExpired / phoneTaken; nothing is written then.
   */
  registerUser(input: { tokenHash: string; codeType: CodeType; user: User; session: Session; now: number }): Promise<void>;
}
