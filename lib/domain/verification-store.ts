// What the verification flow (verification.ts) needs from storage. Refusals come back as facts
// (what failed, what the item held); verification.ts decides what the client is told.
import type { CodeType } from '../api/fields';
import type { CaptchaToken, Limited, Quota } from './records';

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

/** At most one event per `seconds` for `key`. */
export interface Cooldown {
  key: string;
  seconds: number;
}

/** A write on a code whose condition failed: the code as it was, undefined when none is stored. */
export interface CodeRefused {
  kind: 'refused';
  found: VerificationCode | undefined;
}

export interface VerificationStore {
  /**
   * Stores a new code, atomically with spending the sender's quotas. `limited` when a quota or
   * the cooldown is exhausted (each one's wait); then nothing is stored or spent.
   */
  saveCode(code: VerificationCode, spend: { quotas: Quota[]; cooldown?: Cooldown; now: number }): Promise<{ kind: 'ok' } | Limited>;

  /**
   * Lifts the cooldown `saveCode` set at `now` (and only that one), for a code that could not be
   * sent: the client may ask again at once. The quotas stay spent.
   */
  releaseCooldown(cooldown: Cooldown, now: number): Promise<void>;

  findCode(requestId: string): Promise<VerificationCode | undefined>;

  /**
   * Counts one wrong guess: the new failCount, or `refused` when the code takes no more guesses
   * (`maxAttempts` counted already, redeemed, or gone).
   */
  countWrongCode(requestId: string, maxAttempts: number): Promise<{ kind: 'ok'; failCount: number } | CodeRefused>;

  /**
   * Marks the code redeemed and stores the captcha token it buys, atomically; `refused` when the
   * code can no longer be redeemed (attempts ran out, expired, redeemed already, or gone).
   */
  redeemCode(requestId: string, maxAttempts: number, token: CaptchaToken, now: number): Promise<{ kind: 'ok' } | CodeRefused>;
}
