// Random secrets and the hashes they are stored as.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** Refresh and captcha tokens: 192 random bits as lowercase hex (docs/API.md §1). */
export const TOKEN_HEX_CHARS = 48;
/** SMS codes (docs/API.md §2.1). */
export const CODE_DIGITS = 6;

export const randomToken = (): string => randomBytes(TOKEN_HEX_CHARS / 2).toString('hex');

/**
 * Code request ids: 128 random bits as lowercase hex (docs/API.md §2.1). The id is the only handle
 * validate gets, so it must not be derivable from a clock or a counter: from its own send an
 * attacker could otherwise find a victim's request and spend its attempts.
 */
export const REQUEST_ID_HEX_CHARS = 32;

export const randomRequestId = (): string => randomBytes(REQUEST_ID_HEX_CHARS / 2).toString('hex');

/**
 * What logs carry instead of a request id: the id is the only handle validate takes, so a log
 * reader must not be able to use it. 48 bits of its SHA-256 tell one request from another.
 */
export const requestRef = (requestId: string): string => sha256(requestId).slice(0, 12);

/**
 * The refresh token that replaces `token` on rotation: derived, not drawn, so that a client
 * repeating a refresh (a retry, a second tab) within the grace window gets the same successor
 * back although only hashes are stored. 192 bits, like the first token of a session.
 */
export const successorToken = (key: Uint8Array, token: string): string =>
  createHmac('sha256', key).update(token, 'utf8').digest('hex').slice(0, TOKEN_HEX_CHARS);

/** A uniformly random code of CODE_DIGITS digits. */
export const randomCode = (): string =>
  randomInt(0, 10 ** CODE_DIGITS)
    .toString()
    .padStart(CODE_DIGITS, '0');

/** High-entropy secrets (tokens) need no salt or key: a plain SHA-256 cannot be reversed. */
export const sha256 = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/**
 * A 6-digit code has only a million values, so its stored hash is keyed: without the key a
 * leaked table cannot be brute-forced. The request id binds the hash to one request.
 */
export const codeHash = (key: Uint8Array, requestId: string, code: string): string =>
  createHmac('sha256', key).update(`${requestId}:${code}`, 'utf8').digest('hex');

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
