// docs/API.md §6.1 and §6.5: a signed-in user changes a credential, the password or the phone
// number. Each change is one transaction over the user as read, which also ends every other
// session of the user: a device that had the old credential is signed out at once, the caller's
// own session stays.
import bcrypt from 'bcryptjs';
import { ApiError } from '../errors';
import { logger } from '../logger';
import { passwordProblem } from '../password-policy';
import { maskPhone } from '../phone';
import { sha256 } from '../secrets';
import type { Deps } from '../container';
import type { PasswordModifyInput } from '../api/password-modify';
import type { PhoneModifyInput, PhoneModifyData } from '../api/phone-modify';
import { authenticate, type Caller } from './authenticated';
import { checkPassword } from './password-check';
import type { StoredUser, TokenSpend } from './records';
import { judgeToken, tokenError } from './refusals';

const PHONE_CHANGE_CODE_TYPE = '4';

// A change is written over the user as read; a session opened meanwhile changes the user's `rev`
// and the write is retried over a fresh read. Past this many rounds the user's sessions are
// changing faster than they can be ended: a busy answer (safe to retry), not a loop.
const CHANGE_ROUNDS = 5;
const busy = () => new ApiError('serviceBusy', { retryAfterSeconds: 1 });

interface Request<Body> {
  authorization: string | undefined;
  body: Body;
  sourceIp: string | undefined;
}

/**
 * Checks a password the caller gives for their own account as login checks one (checkPassword,
 * docs/API.md §7.7: the same budgets, 429 past them; 401 / 13001008 when wrong). The one place
 * the credential changes check a password.
 */
async function confirmPassword(deps: Deps, user: StoredUser, password: string, at: { now: number; sourceIp: string | undefined }) {
  const checked = await checkPassword(deps, { phone: user.phone, sourceIp: at.sourceIp, password }, at.now);
  if (checked.userId !== user.userId) throw new ApiError('badCredentials'); // the phone moved meanwhile
}

/** The caller's user as stored; a token whose user is gone is no longer valid. */
async function callerUser(deps: Deps, caller: Caller): Promise<StoredUser> {
  const user = await deps.accounts.findUser(caller.userId);
  if (!user) throw new ApiError('invalidAccessToken');
  return user;
}

/** What a new password breaks: the policy (docs/API.md §1), or being the old one. */
function newPasswordProblem(oldPassword: string, newPassword: string, phone: string): string | undefined {
  if (newPassword === oldPassword) return 'Password must differ from the old password.';
  return passwordProblem(newPassword, phone);
}

/** §6.1: the old password checked, the hash replaced, every other session ended. */
export async function changePassword(deps: Deps, { authorization, body, sourceIp }: Request<PasswordModifyInput>): Promise<void> {
  const now = deps.now();
  const caller = await authenticate(deps, { authorization, userId: body.userId, now });
  let user = await callerUser(deps, caller);
  // Before the old password is checked: a refused new one spends no try and tells nothing of the old.
  const problem = newPasswordProblem(body.oldPassword, body.newPassword, user.phone);
  if (problem) throw new ApiError('weakPassword', { detail: problem });
  await confirmPassword(deps, user, body.oldPassword, { now, sourceIp });
  const checkedHash = user.passwordHash;
  const passwordHash = await bcrypt.hash(body.newPassword, deps.config.bcryptCost);

  for (let round = 1; ; round++) {
    const written = await deps.accounts.changePassword({ user, passwordHash, keep: caller.sessionId });
    if (written.kind === 'ok') break;
    user = await callerUser(deps, caller);
    // The hash is this request's own (its salt is new): a write whose answer was lost, then retried.
    if (user.passwordHash === passwordHash) break;
    // Another change won meanwhile: the password this request proved is no longer the password.
    if (user.passwordHash !== checkedHash) throw new ApiError('badCredentials');
    if (round >= CHANGE_ROUNDS) throw busy();
  }
  logger.info('password changed', { userId: caller.userId });
}

/**
 * §6.5: the password checked, then in one write the phone-change token spent, the new number
 * claimed, the old one released (it can register again at once), the user moved and every other
 * session ended. A refused write changes nothing and leaves the token usable.
 */
export async function changePhone(deps: Deps, { authorization, body, sourceIp }: Request<PhoneModifyInput>): Promise<PhoneModifyData> {
  const now = deps.now();
  const caller = await authenticate(deps, { authorization, userId: body.userId, now });
  let user = await callerUser(deps, caller);
  const { newPhone } = body;
  await confirmPassword(deps, user, body.password, { now, sourceIp });
  const { passwordHash: checkedHash } = user;
  const token: TokenSpend = { tokenHash: sha256(body.captchaToken), phone: newPhone, codeType: PHONE_CHANGE_CODE_TYPE };

  for (let round = 1; ; round++) {
    const written = await deps.accounts.changePhone({ user, newPhone, token, keep: caller.sessionId, now });
    if (written.kind === 'ok') break;
    // The token is judged first, as registration judges it: without a valid token for the number,
    // nobody learns whether it is taken.
    if (written.token) {
      const verdict = judgeToken(written.token.found, token, now);
      // Spent by this user, who now has the number: this request's own write (its answer lost and
      // the write retried), or the same request again after a lost answer.
      const own = verdict.kind === 'spentBy' && verdict.userId === caller.userId;
      if (own && (await callerUser(deps, caller)).phone === newPhone) break;
      throw tokenError(verdict);
    }
    if (written.phoneTaken) throw new ApiError('phoneTaken');
    user = await callerUser(deps, caller);
    if (user.passwordHash !== checkedHash) throw new ApiError('badCredentials');
    if (user.phone === newPhone) throw new ApiError('phoneTaken');
    if (round >= CHANGE_ROUNDS) throw busy();
  }
  logger.info('phone changed', { userId: caller.userId, from: maskPhone(user.phone), to: maskPhone(newPhone) });
  return { phone: newPhone };
}
