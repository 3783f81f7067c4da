// The rules the flows share for a refused write: what a refused captcha token spend means, and
// how long an exhausted limit holds the client off.
import { ApiError } from '../errors';
import type { Limited, StoredToken, TokenSpend } from './records';

/** What a refused token spend means: a spend by `userId` (still within its lifetime), an expired token, or an invalid one. */
export type TokenVerdict = { kind: 'spentBy'; userId: string } | { kind: 'expired' } | { kind: 'invalid' };

/**
 * Judges a refused token spend from the token's item: used (by whom, while still in its
 * lifetime), expired if that is all, invalid otherwise. A token issued for another phone or
 * scenario is invalid whatever else it is: its answer tells nothing about it.
 */
export function judgeToken(found: StoredToken | undefined, spend: TokenSpend, now: number): TokenVerdict {
  const issuedForThis = found !== undefined && found.phone === spend.phone && found.codeType === spend.codeType;
  if (!issuedForThis) return { kind: 'invalid' };
  const live = found.expiresAt > now;
  if (found.usedAt !== undefined)
    return live && found.usedBy !== undefined ? { kind: 'spentBy', userId: found.usedBy } : { kind: 'invalid' };
  return live ? { kind: 'invalid' } : { kind: 'expired' };
}

/** What the client is told of a token: a spent one is as invalid as a wrong one. */
export const tokenError = (verdict: TokenVerdict): ApiError => new ApiError(verdict.kind === 'expired' ? 'tokenExpired' : 'tokenInvalid');

/** 429 for as long as the latest of the exhausted limits holds. */
export const limitError = (limited: Limited): ApiError =>
  new ApiError('tooManyAttempts', { retryAfterSeconds: Math.max(...limited.waitsMs) / 1000 });
