// docs/API.md §6.2: a reset replaces a forgotten password with a captcha token of `codeType` 3, and
// ends every session of the account, in one transaction (account-store.ts). Apart from the
// deletion (account-deletion.ts) so that the function that deletes ships no password hashing.
import bcrypt from 'bcryptjs';
import { ApiError } from '../errors';
import { logger } from '../logger';
import { passwordProblem } from '../password-policy';
import { maskPhone } from '../phone';
import { sha256 } from '../secrets';
import type { Deps } from '../container';
import type { PasswordResetInput } from '../api/password-reset';
import { passwordBudgets } from './password-check';
import type { Quota, StoredToken, TokenSpend } from './records';
import { judgeToken, tokenError } from './refusals';

const RESET_CODE_TYPE = '3';

/**
 * The login-failure counters that a reset clears, in the reset's own write: the owner has just
 * proved they hold the phone, so their next login must not be refused for the guesses that made
 * them reset. The one place that knows which counters those are.
 *
 * Wrong passwords are counted three ways (password-check.ts `passwordBudgets`): per (phone, source
 * address), per phone, per source address. A reset clears the phone's own count and the pair of
 * the address it came from, the owner's. The pairs of other addresses stay, so an address that
 * guessed at this phone stays held off it, and no address's count over all phones is touched: a
 * reset of one's own account wipes out no count of guesses at others.
 */
export function loginCountersClearedByReset(deps: Deps, attempt: { phone: string; sourceIp: string | undefined }): Quota[] {
  const { pair, account } = passwordBudgets(deps.config.limits, attempt);
  return [pair, account];
}

/** Whether a captcha token as stored can pay for `spend` now: issued for it, unspent, unexpired. */
const spendable = (found: StoredToken | undefined, spend: TokenSpend, now: number): found is StoredToken =>
  found !== undefined &&
  found.phone === spend.phone &&
  found.codeType === spend.codeType &&
  found.usedAt === undefined &&
  found.expiresAt > now;

/**
 * docs/API.md §6.2. The new password is checked first (a refusal leaves the token usable), then the
 * token, before anything about an account is read: without a valid token for the phone, every
 * answer is the token's, after the same one read, so a reset tells nobody whether a phone has an
 * account. With one, a phone that has no account answers 13001008 (as a login with a token does)
 * and the token stays unspent: its holder has the phone, and could learn as much by registering.
 */
export async function resetPassword(deps: Deps, input: PasswordResetInput, sourceIp: string | undefined): Promise<void> {
  const phone = input.phoneNumber;
  const problem = passwordProblem(input.newPwd, phone);
  if (problem) throw new ApiError('weakPassword', { detail: problem });

  const now = deps.now();
  const token: TokenSpend = { tokenHash: sha256(input.captchaToken), phone, codeType: RESET_CODE_TYPE };
  const found = await deps.accounts.findCaptchaToken(token.tokenHash);
  if (!spendable(found, token, now)) throw tokenError(judgeToken(found, token, now));

  const user = await deps.accounts.findUserByPhone(phone);
  if (!user) throw new ApiError('badCredentials');
  const passwordHash = await bcrypt.hash(input.newPwd, deps.config.bcryptCost);
  const clears = loginCountersClearedByReset(deps, { phone, sourceIp });
  const reset = await deps.accounts.resetPassword({ user, token, passwordHash, clears, now });
  if (reset.kind === 'refused') {
    // Spent by a concurrent reset, or expired since it was read; or the account went meanwhile.
    if (reset.token) throw tokenError(judgeToken(reset.token.found, token, now));
    throw new ApiError('badCredentials');
  }
  logger.info('password reset', { userId: user.userId, phone: maskPhone(phone) });
}
