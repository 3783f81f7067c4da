// docs/API.md §6.6: a deletion erases the account and everything that names it, and so ends every
// session of it at once, in one transaction (account-store.ts).
import { ApiError } from '../errors';
import { logger } from '../logger';
import { maskPhone } from '../phone';
import type { Deps } from '../container';
import { authenticate } from './authenticated';

/**
 * docs/API.md §6.6. The caller deletes their own account, and with it every session (theirs
 * included: the token that asked is refused from then on) and every item that names them.
 */
export async function deleteAccount(deps: Deps, input: { authorization: string | undefined; userId: string }): Promise<void> {
  const caller = await authenticate(deps, { authorization: input.authorization, userId: input.userId, now: deps.now() });
  const deleted = await deps.accounts.deleteUser({ userId: caller.userId });
  // Gone already (a concurrent deletion won): the session that asked has ended with it.
  if (deleted.kind === 'gone') throw new ApiError('invalidAccessToken');
  logger.info('account deleted', { userId: caller.userId, phone: maskPhone(deleted.user.phone) });
}
