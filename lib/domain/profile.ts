// docs/API.md §6.3 and §6.4: the caller reads and changes their own profile. Who the caller is,
// and whether the request names them, is lib/domain/authenticated.ts's first step.
import { ApiError } from '../errors';
import { logger } from '../logger';
import type { Deps } from '../container';
import type { UserInfo } from '../api/fields';
import type { UserInfoQuery } from '../api/user-info';
import type { UpdateUserInfoInput } from '../api/update-user-info';
import type { ProfileChanges } from './account-store';
import { authenticate, callerRecord, ensureOwnPhone } from './authenticated';
import type { User } from './records';

/** A user as the answers show it (login's `userInfo`, the profile read). */
export const userInfoOf = (user: User): UserInfo => ({
  userId: user.userId,
  firstname: user.firstname,
  surname: user.surname,
  phone: user.phone,
  email: user.email,
});

/** The caller's profile; `userId` wins over `phone` when both name someone, neither means the caller. */
export async function readProfile(deps: Deps, input: { authorization: string | undefined } & UserInfoQuery): Promise<UserInfo> {
  const caller = await authenticate(deps, { authorization: input.authorization, userId: input.userId, now: deps.now() });
  const user = await callerRecord(deps, caller);
  if (input.userId === undefined && input.phone !== undefined) ensureOwnPhone(user, input.phone);
  return userInfoOf(user);
}

/** Sets the fields the body gives. A user deleted meanwhile is not recreated: the token is no longer valid (401). */
export async function updateProfile(deps: Deps, input: { authorization: string | undefined; body: UpdateUserInfoInput }): Promise<void> {
  const now = deps.now();
  const { body } = input;
  const caller = await authenticate(deps, { authorization: input.authorization, userId: body.userId, now });
  const changes: ProfileChanges = {};
  if (body.firstname !== undefined) changes.firstname = body.firstname;
  if (body.surname !== undefined) changes.surname = body.surname;
  if (body.email !== undefined) changes.email = body.email;
  const updated = await deps.accounts.updateProfile({ userId: caller.userId, changes, now });
  if (updated.kind === 'gone') throw new ApiError('invalidAccessToken');
  logger.info('profile updated', { userId: caller.userId, fields: Object.keys(changes) });
}
