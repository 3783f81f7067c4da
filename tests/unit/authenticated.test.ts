// The first step of every authenticated endpoint (docs/API.md §6): a live access token, and a
// request that names the caller and no one else, decided from names alone.
import type { Deps } from '../../lib/container';
import { authenticate, callerRecord, ensureOwnPhone } from '../../lib/domain/authenticated';
import type { User } from '../../lib/domain/records';
import { ApiError } from '../../lib/errors';
import type { VerifiedAccessToken } from '../../lib/tokens/verifier';

const CALLER = '1893595880502717057';
const now = Date.UTC(2030, 0, 1);
const token: VerifiedAccessToken = { userId: CALLER, sessionId: 's-1', jti: 'j', expiresAt: now + 60_000, expired: false };

/** A verifier that accepts `AT good` only, recording how it was asked. */
function verifier() {
  const verifyAccessToken = jest.fn((authorization: string | undefined) =>
    authorization === 'AT good' ? Promise.resolve(token) : Promise.reject(new ApiError('invalidAccessToken')),
  );
  return { verifyAccessToken: verifyAccessToken as unknown as Deps['verifyAccessToken'], calls: verifyAccessToken.mock.calls };
}

const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof ApiError ? error.kind : String(error)),
  );

describe('authenticate', () => {
  it('answers the caller of a live token, asking the verifier to read revocations', async () => {
    const deps = verifier();
    await expect(authenticate(deps, { authorization: 'AT good', now })).resolves.toEqual({ userId: CALLER, sessionId: 's-1' });
    expect(deps.calls).toEqual([['AT good', { now }]]);
  });

  it('passes the verifier refusal on (401)', async () => {
    expect(await kindOf(authenticate(verifier(), { authorization: 'AT forged', userId: CALLER, now }))).toBe('invalidAccessToken');
  });

  it.each([
    ['the caller', CALLER, 'ok'],
    ['another user', '1893595880502717058', 'accessDenied'],
    ['the caller with a leading zero', `0${CALLER}`, 'accessDenied'],
    ['a user id nobody has', '1', 'accessDenied'],
  ])('a request naming %s: %s', async (_, userId, kind) => {
    expect(await kindOf(authenticate(verifier(), { authorization: 'AT good', userId, now }))).toBe(kind);
  });

  it('refuses the token before it looks at the userId', async () => {
    expect(await kindOf(authenticate(verifier(), { authorization: 'AT forged', userId: '1', now }))).toBe('invalidAccessToken');
  });
});

describe('the caller record and its phone', () => {
  const user: User = {
    userId: CALLER,
    phone: '0027188460901',
    firstname: 'John',
    surname: 'Smith',
    email: '',
    passwordHash: 'h',
    createdAt: now,
  };
  const accounts = (found: User | undefined) => {
    const findUser = jest.fn(() => Promise.resolve(found));
    return { deps: { accounts: { findUser } as unknown as Deps['accounts'] }, findUser };
  };

  it("reads the caller's own record, and no other", async () => {
    const { deps, findUser } = accounts(user);
    await expect(callerRecord(deps, { userId: CALLER, sessionId: 's-1' })).resolves.toBe(user);
    expect(findUser.mock.calls).toEqual([[CALLER]]);
  });

  it('refuses a token whose user is gone (401)', async () => {
    expect(await kindOf(callerRecord(accounts(undefined).deps, { userId: CALLER, sessionId: 's-1' }))).toBe('invalidAccessToken');
  });

  it("accepts the caller's phone and refuses any other (403)", () => {
    expect(() => ensureOwnPhone(user, '0027188460901')).not.toThrow();
    expect(() => ensureOwnPhone(user, '0027188460902')).toThrow(
      expect.objectContaining({ kind: 'accessDenied', status: 403, code: 13001011 }),
    );
  });
});
