// What each call sends and gets back, derived from the schemas the server validates with
// (lib/schemas.ts). Type-only imports: zod stays out of an app's bundle.
import type * as z from 'zod/mini';
import type {
  EndpointData,
  jwksSchema,
  loginSchema,
  logoutSchema,
  refreshSchema,
  registerSchema,
  sendCodeSchema,
  validateCodeSchema,
} from '../lib/schemas';

export type { LoginData, RefreshData, RegisterData, SendCodeData, SessionInfo, ValidateCodeData, WrongCodeData } from '../lib/schemas';

export type SendCodeRequest = z.input<typeof sendCodeSchema.body>;
export type ValidateCodeRequest = z.input<typeof validateCodeSchema.body>;
export type RegisterRequest = z.input<typeof registerSchema.body>;
/** `{account, authType: '1', password}` or `{account, authType: '2', captchaToken}` (a login-code token). */
export type LoginRequest = z.input<typeof loginSchema.body>;
/** The body's `refreshToken`, and the access token of the same session, sent as `Authorization`. */
export type RefreshRequest = z.input<typeof refreshSchema.body> & { accessToken: string };
/** `accessToken` goes in the body and, as `Authorization`, in the header. */
export type LogoutRequest = z.input<typeof logoutSchema.body>;
/** The JWK Set that verifies access tokens. */
export type JwksData = EndpointData<typeof jwksSchema>;

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
