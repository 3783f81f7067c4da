// The hosted pages' session (docs/SECURITY.md, "Sessions in the hosted pages"): the refresh token,
// and the access token it is sent with, live in one cookie the service sets and rotates, which no
// script can read (HttpOnly), which goes only over TLS (Secure), only with requests the pages
// themselves make (SameSite=Strict) and only to the pages' own routes (Path), never to the API's.
import { PAGES_MOUNT } from '../../infra/pages.cjs';

export const SESSION_COOKIE = 'koodrive_session';
/** Only the pages' routes get the cookie: the API's routes never see it, so it can stand in for nothing there. */
export const SESSION_COOKIE_PATH = `${PAGES_MOUNT}/`;

/** What the cookie holds: a refresh needs the session's access token beside its refresh token (docs/API.md §3.2). */
export interface HeldSession {
  userId: string;
  accessToken: string;
  refreshToken: string;
}

export interface CookieOptions {
  /** Seconds the browser keeps it: the refresh token's lifetime. */
  maxAgeSeconds: number;
  /** False only on the local stage's plain-HTTP server (scripts/start.ts); everywhere else the pages are HTTPS. */
  secure: boolean;
}

const attributes = ({ maxAgeSeconds, secure }: CookieOptions) =>
  [`Path=${SESSION_COOKIE_PATH}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', ...(secure ? ['Secure'] : []), 'SameSite=Strict'].join('; ');

/** The `Set-Cookie` value that keeps `session`. Base64url JSON: cookie-safe characters only. */
export function sessionCookie(session: HeldSession, options: CookieOptions): string {
  const value = Buffer.from(JSON.stringify(session)).toString('base64url');
  return `${SESSION_COOKIE}=${value}; ${attributes(options)}`;
}

/** The `Set-Cookie` value that has the browser forget the session at once. */
export const clearedSessionCookie = (secure: boolean): string => `${SESSION_COOKIE}=; ${attributes({ maxAgeSeconds: 0, secure })}`;

const isHeld = (value: unknown): value is HeldSession =>
  typeof value === 'object' &&
  value !== null &&
  ['userId', 'accessToken', 'refreshToken'].every((field) => typeof (value as Record<string, unknown>)[field] === 'string');

/**
 * The session a request's cookies hold, or undefined: none, or one this service did not write in
 * this form (the tokens inside are checked by the refresh flow itself, like any client's).
 * API Gateway's payload 2.0 hands cookies over as `event.cookies`, one `name=value` each.
 */
export function heldSession(cookies: readonly string[] | undefined): HeldSession | undefined {
  const prefix = `${SESSION_COOKIE}=`;
  const raw = cookies?.find((cookie) => cookie.startsWith(prefix))?.slice(prefix.length);
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    return isHeld(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
