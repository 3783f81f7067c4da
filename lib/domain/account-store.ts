// What registration (registration.ts) and login (login.ts) need from storage. A refused write
// reports every condition that failed; the flows decide which refusal the client is told.
import type { Limited, Quota, Session, TokenRefused, TokenSpend, User } from './records';

export interface Registration {
  token: TokenSpend;
  user: User;
  session: Session;
  now: number;
}

/** A registration that wrote nothing: at least one of these failed. */
export interface RegistrationRefused {
  kind: 'refused';
  /** The token could not be spent (issued for something else, expired, used, unknown). */
  token: TokenRefused | undefined;
  /** The phone is claimed by a user already. */
  phoneTaken: boolean;
}

/** A token login that wrote nothing: at least one of these failed. */
export interface TokenLoginRefused {
  kind: 'refused';
  token: TokenRefused | undefined;
  /** The token's phone is not (or no longer) the session's user's. */
  notTheirs: boolean;
}

export interface AccountStore {
  /**
   * The whole registration in one atomic write: spends the captcha token (issued for this phone
   * and scenario, unexpired, unused), claims the phone, stores the user and the first session.
   */
  registerUser(input: Registration): Promise<{ kind: 'ok' } | RegistrationRefused>;

  /**
   * The phone's user. Reads the phone's claim, then a user item whether or not the claim exists
   * (an unknown phone reads one no user can have): a registered and an unknown phone cost the same
   * reads, so their answer times do not tell them apart (docs/API.md §7.6).
   */
  findUserByPhone(phone: string): Promise<User | undefined>;
  findUser(userId: string): Promise<User | undefined>;

  /**
   * Spends one login attempt of each quota, all or none: `limited`, with how long each exhausted
   * quota still holds, when any has none left; then what was spent of the others is given back.
   * Each quota's count is exact under concurrency (a conditional write per quota).
   */
  spendLoginAttempt(quotas: readonly Quota[], now: number): Promise<{ kind: 'ok' } | Limited>;

  /**
   * Undoes what `spendLoginAttempt(…, now)` counted, for an attempt that turned out right: each
   * `reset` quota forgets its whole count in that window, each `refund` quota gets back the one
   * attempt (never more than it counted).
   */
  returnLoginAttempt(input: { reset: readonly Quota[]; refund: readonly Quota[]; now: number }): Promise<void>;

  /** Stores a session opened by a password, in one write with the reset of the account's failed-attempt quota, if given. */
  openSession(input: { session: Session; now: number; resetQuota?: Quota }): Promise<void>;

  /** Stores a session opened by a captcha token, in one write with spending the token, issued for the user's phone. */
  openSessionWithToken(input: { session: Session; now: number; token: TokenSpend }): Promise<{ kind: 'ok' } | TokenLoginRefused>;
}
