// A signed-in session that keeps its tokens current. Refresh rotates the refresh token, so each one
// must be sent once: concurrent refresh() calls share one request (two requests with the same token
// would count as reuse once the grace window has passed, and end the session).
import type { KooDriveClient } from './client';
import { KooDriveError } from './errors';
import type { CallOptions, PasswordModifyRequest, PasswordResetRequest, PhoneModifyData, PhoneModifyRequest, SessionInfo } from './types';

export interface SessionState {
  userId: string;
  sessionInfo: SessionInfo;
}

export interface SessionOptions {
  /** Called with the new state after each refresh, and with undefined once the session has ended: persist it here. */
  onChange?: (state: SessionState | undefined) => void;
}

export class Session {
  private current: SessionState | undefined;
  private refreshing: Promise<SessionState> | undefined;

  constructor(
    private readonly client: KooDriveClient,
    state: SessionState,
    private readonly options: SessionOptions = {},
  ) {
    this.current = state;
  }

  /** The user and tokens; undefined once the session has ended. */
  get state(): SessionState | undefined {
    return this.current;
  }

  /** When the access token expires, in epoch milliseconds by the service's clock. */
  get expiresAt(): number | undefined {
    const info = this.current?.sessionInfo;
    return info && Number(info.issuedAt) + info.expiresIn * 1000;
  }

  /** Swaps the refresh token for new tokens. A refused token ends the session (a new login is needed). */
  refresh(options?: CallOptions): Promise<SessionState> {
    this.refreshing ??= this.rotate(options).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * Ends the session at the service; the tokens are forgotten here whatever the answer. An expired
   * access token cannot log out (13001010): refresh first.
   */
  async logout(options?: CallOptions): Promise<void> {
    const { userId, sessionInfo } = this.live();
    try {
      await this.client.logout({ userId, accessToken: sessionInfo.accessToken }, options);
    } finally {
      this.end();
    }
  }

  /**
   * Changes the password (docs/API.md §6.1). This session stays, its tokens as they are; every other
   * session of the user ends. An expired access token is refused (13001010): refresh first.
   */
  async changePassword(request: Omit<PasswordModifyRequest, 'userId' | 'accessToken'>, options?: CallOptions): Promise<void> {
    const { userId, sessionInfo } = this.live();
    await this.client.passwordModify({ ...request, userId, accessToken: sessionInfo.accessToken }, options);
  }

  /**
   * Moves the account to a new phone number (docs/API.md §6.5), with a phone-change captcha token
   * for it and the password. This session stays, its tokens as they are; every other session ends.
   */
  changePhone(request: Omit<PhoneModifyRequest, 'userId' | 'accessToken'>, options?: CallOptions): Promise<PhoneModifyData> {
    const { userId, sessionInfo } = this.live();
    return this.client.phoneModify({ ...request, userId, accessToken: sessionInfo.accessToken }, options);
  }

  /**
   * Deletes the account at the service (docs/API.md §6.6). Every session of it ends, this one
   * included: once the deletion succeeded, or the service refused the access token (the session
   * had ended already), the tokens are forgotten here. Any other failure leaves the session as it
   * was, to retry with.
   */
  async deleteAccount(options?: CallOptions): Promise<void> {
    const { userId, sessionInfo } = this.live();
    try {
      await this.client.userDelete({ userId, accessToken: sessionInfo.accessToken }, options);
    } catch (error) {
      if (error instanceof KooDriveError && error.kind === 'invalidAccessToken') this.end();
      throw error;
    }
    this.end();
  }

  /**
   * Resets the password of this session's account with a password-reset captcha token (docs/API.md
   * §6.2). It ends every session of the account, this one included: once it succeeded the tokens
   * are forgotten here; a refused reset (a weak password, a bad token) leaves the session as it was.
   */
  async resetPassword(request: PasswordResetRequest, options?: CallOptions): Promise<void> {
    await this.client.passwordReset(request, options);
    this.end();
  }

  private async rotate(options: CallOptions | undefined): Promise<SessionState> {
    const { userId, sessionInfo } = this.live();
    try {
      const { sessionInfo: next } = await this.client.refreshToken(
        { accessToken: sessionInfo.accessToken, refreshToken: sessionInfo.refreshToken },
        options,
      );
      this.current = { userId, sessionInfo: next };
      this.options.onChange?.(this.current);
      return this.current;
    } catch (error) {
      if (error instanceof KooDriveError && (error.kind === 'invalidRefreshToken' || error.kind === 'invalidAccessToken')) this.end();
      throw error;
    }
  }

  private live(): SessionState {
    if (!this.current) throw new Error('The session has ended: log in again.');
    return this.current;
  }

  private end(): void {
    if (!this.current) return;
    this.current = undefined;
    this.options.onChange?.(undefined);
  }
}
