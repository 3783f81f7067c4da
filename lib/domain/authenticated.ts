// What every authenticated endpoint of docs/API.md §6 does first: the caller is the user of a live
// access token (401 / 13001010 otherwise, revocations read), and a request that names a user, by
// userId or phone, must name the caller (403 / 13001011 otherwise). Names are compared, never
// looked up: the named user is not read, so the refusal is the same whether that user exists or
// not, and the endpoint cannot be used to learn which ids or phones have accounts.
import { ApiError } from '../errors';
import type { Deps } from '../container';
import type { User } from './records';

/** Who calls: the user and the session of the access token. */
export interface Caller {
  userId: string;
  sessionId: string;
}

/**
 * The caller of a live access token. `userId`, when the request names one, must be the token's
 * own: compared as given (the token's `sub` is the canonical 19 digits).
 */
export async function authenticate(
  deps: Pick<Deps, 'verifyAccessToken'>,
  input: { authorization: string | undefined; userId?: string | undefined; now: number },
): Promise<Caller> {
  const token = await deps.verifyAccessToken(input.authorization, { now: input.now });
  const caller = { userId: token.userId, sessionId: token.sessionId };
  if (input.userId !== undefined) ensureOwnUserId(caller, input.userId);
  return caller;
}

/** 403 unless `userId` is the caller's. */
export function ensureOwnUserId(caller: Caller, userId: string): void {
  if (userId !== caller.userId) throw new ApiError('accessDenied');
}

/**
 * 403 unless `phone` (canonical, as the schemas hand it over) is the caller's, by the caller's own
 * record: the one read an endpoint naming a phone needs, and never the phone's claim, which would
 * tell whether someone else holds it.
 */
export function ensureOwnPhone(caller: Pick<User, 'phone'>, phone: string): void {
  if (phone !== caller.phone) throw new ApiError('accessDenied');
}

/** The caller's record; a token whose user is gone (a deleted account) is no longer valid. */
export async function callerRecord(deps: Pick<Deps, 'accounts'>, caller: Caller): Promise<User> {
  const user = await deps.accounts.findUser(caller.userId);
  if (!user) throw new ApiError('invalidAccessToken');
  return user;
}
