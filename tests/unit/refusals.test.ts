// What the domain makes of a refused storage write: the stores report facts (which conditions
// failed, what the items held), these rules decide what the client is told.
import { ApiError } from '../../lib/errors';
import { tokenLoginError } from '../../lib/domain/login';
import type { StoredToken, TokenSpend } from '../../lib/domain/records';
import { judgeToken, limitError, tokenError } from '../../lib/domain/refusals';
import { registrationRefusal } from '../../lib/domain/registration';
import { deadCodeError, redemptionError } from '../../lib/domain/verification';
import type { VerificationCode } from '../../lib/domain/verification-store';

const now = Date.UTC(2030, 0, 1);
const spend: TokenSpend = { tokenHash: 'h', phone: '0099123456', codeType: '1' };
const token = (fields: Partial<StoredToken> = {}): StoredToken => ({
  phone: spend.phone,
  codeType: spend.codeType,
  expiresAt: now + 60_000,
  usedAt: undefined,
  usedBy: undefined,
  ...fields,
});
const spent = { usedAt: now - 1_000, usedBy: 'user-1' };
const expired = { expiresAt: now };

/** What a client would see: status, code, data and Retry-After of the error. */
const answer = (error: ApiError) => ({ kind: error.kind, data: error.data, retryAfterSeconds: error.retryAfterSeconds });

describe('a refused captcha token spend', () => {
  it.each<[string, StoredToken | undefined, ReturnType<typeof judgeToken>]>([
    ['unknown', undefined, { kind: 'invalid' }],
    ['spent by a user, within its lifetime', token(spent), { kind: 'spentBy', userId: 'user-1' }],
    ['spent and expired', token({ ...spent, ...expired }), { kind: 'invalid' }],
    ['spent by nobody known', token({ usedAt: now - 1_000 }), { kind: 'invalid' }],
    ['expired at this very millisecond, unspent', token(expired), { kind: 'expired' }],
    ['live and unspent (a write that lost a race)', token(), { kind: 'invalid' }],
  ])('%s', (_, found, verdict) => {
    expect(judgeToken(found, spend, now)).toEqual(verdict);
  });

  it.each<[string, Partial<StoredToken>]>([
    ['another phone', { phone: '0099999999' }],
    ['another scenario', { codeType: '2' }],
  ])('issued for %s is invalid whatever else it is: expired or spent tells nothing', (_, other) => {
    expect(judgeToken(token({ ...other, ...expired }), spend, now)).toEqual({ kind: 'invalid' });
    expect(judgeToken(token({ ...other, ...spent }), spend, now)).toEqual({ kind: 'invalid' });
  });

  it('tells the client expired (13001003) or invalid (13001002); a spent token is invalid', () => {
    expect(tokenError({ kind: 'expired' }).code).toBe(13001003);
    expect(tokenError({ kind: 'invalid' }).code).toBe(13001002);
    expect(tokenError({ kind: 'spentBy', userId: 'user-1' }).code).toBe(13001002);
  });
});

describe('an exhausted limit', () => {
  it('holds the client off until the latest exhausted limit allows again, in seconds', () => {
    expect(answer(limitError({ kind: 'limited', waitsMs: [30_000, 1_500, 59_000] }))).toEqual({
      kind: 'tooManyAttempts',
      data: undefined,
      retryAfterSeconds: 59,
    });
  });
});

describe('a refused registration', () => {
  it('judges the token first: with a bad token nobody learns the phone is taken', () => {
    const refusal = registrationRefusal({ kind: 'refused', token: { found: undefined }, phoneTaken: true }, spend, now);
    expect(refusal.kind === 'refuse' && refusal.error.kind).toBe('tokenInvalid');
    const late = registrationRefusal({ kind: 'refused', token: { found: token(expired) }, phoneTaken: true }, spend, now);
    expect(late.kind === 'refuse' && late.error.kind).toBe('tokenExpired');
  });

  it('is a retry of the registration a live spent token paid for, even though its phone is now taken', () => {
    expect(registrationRefusal({ kind: 'refused', token: { found: token(spent) }, phoneTaken: true }, spend, now)).toEqual({
      kind: 'retryOf',
      userId: 'user-1',
    });
  });

  it('with a good token, is refused because the phone is taken (409)', () => {
    const refusal = registrationRefusal({ kind: 'refused', token: undefined, phoneTaken: true }, spend, now);
    expect(refusal.kind === 'refuse' && refusal.error.status).toBe(409);
  });
});

describe('a refused token login', () => {
  it('judges the token first, and a spent token is invalid here', () => {
    expect(tokenLoginError({ kind: 'refused', token: { found: token(spent) }, notTheirs: true, userChanged: false }, spend, now).kind).toBe(
      'tokenInvalid',
    );
    expect(
      tokenLoginError({ kind: 'refused', token: { found: token(expired) }, notTheirs: true, userChanged: false }, spend, now).kind,
    ).toBe('tokenExpired');
  });

  it("with a good token for a phone that is not the user's, answers as a wrong password does", () => {
    expect(tokenLoginError({ kind: 'refused', token: undefined, notTheirs: true, userChanged: false }, spend, now).kind).toBe(
      'badCredentials',
    );
  });
});

describe('a code that took no guess or redemption', () => {
  const max = 5;
  const code = (fields: Partial<VerificationCode> = {}): VerificationCode => ({
    requestId: 'r',
    phone: spend.phone,
    codeType: '1',
    codeHash: 'h',
    expiresAt: now + 60_000,
    failCount: 0,
    redeemed: false,
    ...fields,
  });
  const unknown = { kind: 'wrongCode', data: { verified: false }, retryAfterSeconds: undefined };

  it('is out of attempts (429) once the attempts are counted, otherwise looks unknown without a failCount', () => {
    expect(answer(deadCodeError(code({ failCount: max }), max)).kind).toBe('tooManyAttempts');
    expect(answer(deadCodeError(code({ failCount: max - 1, redeemed: true }), max))).toEqual(unknown);
    expect(answer(deadCodeError(undefined, max))).toEqual(unknown);
  });

  it('that expired before it was redeemed says expired, before out of attempts', () => {
    expect(redemptionError(code({ ...expired, failCount: max }), max, now).kind).toBe('tokenExpired');
    expect(redemptionError(code({ failCount: max }), max, now).kind).toBe('tooManyAttempts');
    expect(answer(redemptionError(code({ redeemed: true }), max, now))).toEqual(unknown);
    expect(answer(redemptionError(undefined, max, now))).toEqual(unknown);
  });
});
