// What each call sends and gets back, derived from the endpoint modules the server validates with
// (lib/api/). Type-only imports: zod stays out of an app's bundle.
import type { EndpointData, EndpointRequestBody, EndpointRequestQuery } from '../lib/api/endpoint';
import type { ENDPOINTS } from '../lib/api/index';

export type { SessionInfo, WrongCodeData } from '../lib/api/fields';

type Schema<N extends keyof typeof ENDPOINTS> = (typeof ENDPOINTS)[N]['schema'];
/** The body a call of endpoint `N` sends. */
export type RequestOf<N extends keyof typeof ENDPOINTS> = EndpointRequestBody<Schema<N>>;
/** The query parameters a call of endpoint `N` sends. */
export type QueryOf<N extends keyof typeof ENDPOINTS> = EndpointRequestQuery<Schema<N>>;
/** What a call of endpoint `N` resolves with: the envelope's `data` (the JWK Set for `jwks`). */
export type DataOf<N extends keyof typeof ENDPOINTS> = EndpointData<Schema<N>>;

/**
 * The body, and what goes in headers: `accessToken` (as `Authorization`) for a phone-change code
 * (`codeType` '4'), `challengeToken` (as `X-Challenge-Token`) where the deployment has the human
 * check on (docs/API.md §7), `language` (as `language`, e.g. `ar-EG`) for the SMS text's.
 */
export type SendCodeRequest = RequestOf<'sendCode'> & { accessToken?: string; challengeToken?: string; language?: string };
export type ValidateCodeRequest = RequestOf<'validateCode'>;
export type RegisterRequest = RequestOf<'register'>;
/** `{account, authType: '1', password}` or `{account, authType: '2', captchaToken}` (a login-code token). */
export type LoginRequest = RequestOf<'login'>;
/** The body's `refreshToken`, and the access token of the same session, sent as `Authorization`. */
export type RefreshRequest = RequestOf<'refreshToken'> & { accessToken: string };
/** `accessToken` goes in the body and, as `Authorization`, in the header. */
export type LogoutRequest = RequestOf<'logout'>;
/** `{oldPassword, newPassword, userId}`, and the caller's access token, sent as `Authorization`. */
export type PasswordModifyRequest = RequestOf<'passwordModify'> & { accessToken: string };
/** `{userId, newPhone, captchaToken, password}`, and the caller's access token, sent as `Authorization`. */
export type PhoneModifyRequest = RequestOf<'phoneModify'> & { accessToken: string };

/** `userId` or `phone` may name the caller (or neither); the access token goes as `Authorization`. */
export type UserInfoRequest = QueryOf<'userInfo'> & { accessToken: string };
/** `userId` and at least one of `firstname`, `surname`, `email`; the access token goes as `Authorization`. */
export type UpdateUserInfoRequest = RequestOf<'updateUserInfo'> & { accessToken: string };
/** The new password for the phone, paid with a captcha token of `codeType` "3" for it. */
export type PasswordResetRequest = RequestOf<'passwordReset'>;
/** The account's `userId` (the query), and its access token, sent as `Authorization`. */
export type UserDeleteRequest = QueryOf<'userDelete'> & { accessToken: string };

export type SendCodeData = DataOf<'sendCode'>;
export type ValidateCodeData = DataOf<'validateCode'>;
export type RegisterData = DataOf<'register'>;
export type LoginData = DataOf<'login'>;
export type RefreshData = DataOf<'refreshToken'>;
/** The caller's profile: userId, firstname, surname, phone, email. */
export type UserInfoData = DataOf<'userInfo'>;
export type PhoneModifyData = DataOf<'phoneModify'>;
/** The JWK Set that verifies access tokens. */
export type JwksData = DataOf<'jwks'>;

/**
 * The part of WHATWG fetch the client uses, so that any implementation fits: Node's, a browser's,
 * React Native's, or one that answers in-process.
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface CallOptions {
  /** Aborts the request; the abort reaches the caller as fetch reports it, not as a client error. */
  signal?: AbortSignal;
  /** `X-Traceid` for this call (1-64 characters of A-Z a-z 0-9 _ -), instead of the client's. */
  traceId?: string;
}
