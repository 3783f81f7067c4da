// What registration (registration.ts), login (login.ts) and the profile (profile.ts) need from storage. A refused write
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

/** The profile fields a profile update sets; the ones left out keep their value. */
export type ProfileChanges = Partial<Pick<User, 'firstname' | 'surname' | 'email'>>;

export interface AccountStore {
  /**
   * The whole registration in one atomic write: spends the captcha token (issued for this phone
   * and scenario, unexpired, unused), claims the phone, stores the user and the first session.
   */
  registerUser(input: Registration): Promise<{ kind: 'ok' } | RegistrationRefused>;

  findUserByPhone(phone: string): Promise<User | undefined>;

  /**
   * Sets the profile fields of a user that exists, in one conditional write that also counts a
   * change of the user (its optimistic-lock counter, which the flows that rewrite a user condition
   * on); `gone` when there is no such user, and then nothing is written: never a user recreated.
   */
  updateProfile(input: { userId: string; changes: ProfileChanges; now: number }): Promise<{ kind: 'ok' } | { kind: 'gone' }>;
  findUser(userId: string): Promise<User | undefined>;

  /** Spends one login attempt of the quota; `limited` when none is left. */
  spendLoginAttempt(quota: Quota, now: number): Promise<{ kind: 'ok' } | Limited>;

  /** Stores a session opened by a password, in one write with the reset of the account's failed-attempt quota, if given. */
  openSession(input: { session: Session; now: number; resetQuota?: Quota }): Promise<void>;

  /** Stores a session opened by a captcha token, in one write with spending the token, issued for the user's phone. */
  openSessionWithToken(input: { session: Session; now: number; token: TokenSpend }): Promise<{ kind: 'ok' } | TokenLoginRefused>;
}
