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

/** What a send's limit is kept for: the answer, the logs and the metrics say which refused. */
export type SendScope = 'cooldown' | 'phone' | 'phoneSender' | 'ip' | 'country' | 'service' | 'codeFailures';

/** A quota a send spends (or only checks), named by what it limits. */
export interface SendQuota extends Quota {
  scope: SendScope;
  /**
   * Counted over this many items, each holding its share of `max`, so that no single item takes
   * every send of the service (docs/adr/0014-sharded-sms-budgets.md).
   */
  shards?: number;
  /** Checked, not counted: the send is refused once `max` were counted by others (wrong codes). */
  checkOnly?: boolean;
}

/** A send refused by its limits: the scope of each wait. */
export interface SendLimited extends Limited {
  scopes: SendScope[];
}

/** A write on a code whose condition failed: the code as it was, undefined when none is stored. */
export interface CodeRefused {
  kind: 'refused';
  found: VerificationCode | undefined;
}

export interface VerificationStore {
  /**
   * Stores a new code, atomically with spending the send's quotas and checking the ones it only
   * checks. `limited` when a quota or the cooldown is exhausted (each one's wait and scope); then
   * nothing is stored or spent.
   */
  saveCode(code: VerificationCode, spend: { quotas: SendQuota[]; cooldown?: Cooldown; now: number }): Promise<{ kind: 'ok' } | SendLimited>;

  /** Whether a user holds `phone` (its claim in the users table). */
  isPhoneClaimed(phone: string): Promise<boolean>;

  /**
   * Lifts the cooldown `saveCode` set at `now` (and only that one), for a code that could not be
   * sent: the client may ask again at once. The quotas stay spent.
   */
  releaseCooldown(cooldown: Cooldown, now: number): Promise<void>;

  findCode(requestId: string): Promise<VerificationCode | undefined>;

  /**
   * Counts one wrong guess on the code and on its phone's `failures` quota, atomically: the new
   * failCount; `refused` when the code takes no more guesses (`maxAttempts` counted already,
   * redeemed, or gone); `limited` when the phone's quota is spent (then nothing is counted).
   * `seen` is the failCount the caller read.
   */
  countWrongCode(
    requestId: string,
    guess: { maxAttempts: number; seen: number; failures: Quota; now: number },
  ): Promise<{ kind: 'ok'; failCount: number } | CodeRefused | Limited>;

  /**
   * Marks the code redeemed and stores the captcha token it buys, atomically, unless its phone's
   * `failures` quota is spent (`limited`); `refused` when the code can no longer be redeemed
   * (attempts ran out, expired, redeemed already, or gone).
   */
  redeemCode(
    requestId: string,
    redemption: { maxAttempts: number; token: CaptchaToken; failures: Quota; now: number },
  ): Promise<{ kind: 'ok' } | CodeRefused | Limited>;
}
