// What registration (registration.ts) and login (login.ts) need from storage. A refused write
// reports every condition that failed; the flows decide which refusal the client is told.
import type { Limited, Quota, Session, StoredToken, StoredUser, TokenRefused, TokenSpend, User } from './records';

export interface Registration {
  token: TokenSpend;
  /** The new user; its session index starts with `session`. */
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
  /** The user changed (phone, password) or went since it was read. */
  userChanged: boolean;
}

/** A session to open for a user as it was read: the user must still be so when it is written. */
export interface SessionOpening {
  session: Session;
  /** The user as read; the write is refused if its phone or password hash changed since, or it is gone. */
  user: StoredUser;
  /** Sessions the new one pushes out (sessions.ts `sessionsPushedOut`): ended in the same write. */
  ending: readonly string[];
  now: number;
}

/** A session opening that wrote nothing because the user changed or went since it was read. */
export interface UserChanged {
  kind: 'userChanged';
}

/** A password reset (account-life.ts): the new hash, written over the phone's user as read. */
export interface PasswordReset {
  /** The phone's user as read; the write is conditioned on it (`rev`), and re-read and retried when it changed. */
  user: StoredUser;
  /** The captcha token that pays for it (`codeType` 3, issued for the user's phone): spent in the same write. */
  token: TokenSpend;
  passwordHash: string;
  /** The phone's login-failure counters that the reset clears, in the same write. */
  clears: readonly Quota[];
  now: number;
}

/** A password reset that wrote nothing: at least one of these held. */
export interface PasswordResetRefused {
  kind: 'refused';
  /** The token could not be spent (spent meanwhile, expired, unknown). */
  token: TokenRefused | undefined;
  /** The phone has no account any more (deleted meanwhile, or moved to another number). */
  noAccount: boolean;
}

export interface AccountStore {
  /**
   * The whole registration in one atomic write: spends the captcha token (issued for this phone
   * and scenario, unexpired, unused), claims the phone, stores the user and the first session.
   */
  registerUser(input: Registration): Promise<{ kind: 'ok' } | RegistrationRefused>;

  findUserByPhone(phone: string): Promise<StoredUser | undefined>;
  findUser(userId: string): Promise<StoredUser | undefined>;

  /** Spends one login attempt of the quota; `limited` when none is left. */
  spendLoginAttempt(quota: Quota, now: number): Promise<{ kind: 'ok' } | Limited>;

  /**
   * Stores a session opened by a password and adds it to the user's session index, in one write
   * with the reset of the account's failed-attempt quota, if given.
   */
  openSession(input: SessionOpening & { resetQuota?: Quota }): Promise<{ kind: 'ok' } | UserChanged>;

  /** Stores a session opened by a captcha token, in one write with spending the token, issued for the user's phone. */
  openSessionWithToken(
    input: Omit<SessionOpening, 'user'> & { user: StoredUser | undefined; token: TokenSpend },
  ): Promise<{ kind: 'ok' } | TokenLoginRefused>;

  /** A captcha token's item as stored, by its hash; undefined when there is none. */
  findCaptchaToken(tokenHash: string): Promise<StoredToken | undefined>;

  /**
   * The whole reset in one atomic write: spends the token, replaces the password hash, ends every
   * session of the user (their items deleted, the index emptied) and clears the counters.
   */
  resetPassword(input: PasswordReset): Promise<{ kind: 'ok' } | PasswordResetRefused>;

  /**
   * Deletes the user in one atomic write with everything that names them: the user item, the
   * phone claim, every session, and the token the registration spent. `gone` when there is no
   * such user; then nothing is written.
   */
  deleteUser(input: { userId: string }): Promise<{ kind: 'ok'; user: StoredUser } | { kind: 'gone' }>;
}
