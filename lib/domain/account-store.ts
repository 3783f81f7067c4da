// What registration (registration.ts), login (login.ts) and the profile (profile.ts) need from storage. A refused write
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

/** A password change (docs/API.md §6.1) over the user as read. */
export interface PasswordChange {
  /** The user as read: the write is refused if it changed since (`rev`) or its hash is not the one checked. */
  user: StoredUser;
  /** The new bcrypt hash. */
  passwordHash: string;
  /** The calling session: it stays; every other session of the user ends in the same write. */
  keep: string;
}

/** A phone change (docs/API.md §6.5) over the user as read. */
export interface PhoneChange {
  /** The user as read: the write is refused if it changed since (`rev`), its phone or hash included. */
  user: StoredUser;
  /** Canonical; claimed by a conditional write, so that no two users ever hold it. */
  newPhone: string;
  /** A phone-change captcha token issued for `newPhone`, spent in the same write. */
  token: TokenSpend;
  /** The calling session: it stays; every other session of the user ends in the same write. */
  keep: string;
  now: number;
}

/** A phone change that wrote nothing: at least one of these failed. */
export interface PhoneChangeRefused {
  kind: 'refused';
  /** The token could not be spent (issued for something else, expired, used, unknown). */
  token: TokenRefused | undefined;
  /** The new phone is claimed by a user already (this one included: nothing is moved then). */
  phoneTaken: boolean;
  /** The user changed or went since it was read (or its old phone's claim is not its own). */
  userChanged: boolean;
}

/** The profile fields a profile update sets; the ones left out keep their value. */
export type ProfileChanges = Partial<Pick<User, 'firstname' | 'surname' | 'email'>>;

/** A password reset (password-reset.ts): the new hash, written over the phone's user as read. */
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

  /**
   * The phone's user. Reads the phone's claim, then a user item whether or not the claim exists
   * (an unknown phone reads one no user can have): a registered and an unknown phone cost the same
   * reads, so their answer times do not tell them apart (docs/API.md §7.7).
   */
  findUserByPhone(phone: string): Promise<StoredUser | undefined>;
  findUser(userId: string): Promise<StoredUser | undefined>;

  /**
   * Sets the profile fields of a user that exists, in one conditional write that also bumps its
   * `rev` (docs/adr/0014-session-index-on-the-user.md: the writes that rewrite a user condition on it); `gone` when there is no
   * such user, and then nothing is written: never a user recreated.
   */
  updateProfile(input: { userId: string; changes: ProfileChanges; now: number }): Promise<{ kind: 'ok' } | { kind: 'gone' }>;

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

  /** Stores a session opened by a password and adds it to the user's session index, in one write. */
  openSession(input: SessionOpening): Promise<{ kind: 'ok' } | UserChanged>;

  /** Stores a session opened by a captcha token, in one write with spending the token, issued for the user's phone. */
  openSessionWithToken(
    input: Omit<SessionOpening, 'user'> & { user: StoredUser | undefined; token: TokenSpend },
  ): Promise<{ kind: 'ok' } | TokenLoginRefused>;

  /** Replaces the password hash and ends every other session of the user, in one atomic write. */
  changePassword(input: PasswordChange): Promise<{ kind: 'ok' } | UserChanged>;

  /**
   * Moves the user to a new phone in one atomic write: spends the token, claims the new phone,
   * releases the old one's claim, updates the user and ends every other session of the user.
   */
  changePhone(input: PhoneChange): Promise<{ kind: 'ok' } | PhoneChangeRefused>;

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
