// SPEC §1: register a user with a captcha token, in one atomic write.
import bcrypt from 'bcryptjs';
import { ApiError, TokenAlreadyUsed } from '../errors';
import { nextId } from '../ids';
import { logger } from '../logger';
import { maskPhone } from '../phone';
import { passwordProblem } from '../password-policy';
import { sha256 } from '../secrets';
import type { Deps } from '../container';
import type { RegisterInput } from '../api/register';
import type { User } from '../store/store';
import { failureQuota } from './login';
import { newSession } from './sessions';

const REGISTRATION_CODE_TYPE = '1';

type Profile = Pick<User, 'phone' | 'firstname' | 'surname' | 'email'>;

/** What a registration stores of its request besides the password: written once, compared on a retry. */
const profile = (input: RegisterInput): Profile => ({
  phone: input.phone,
  firstname: input.firstname,
  surname: input.surname ?? '',
  email: input.email ?? '',
});

export async function register(deps: Deps, input: RegisterInput) {
  // Checked before anything is written, so a refused password leaves the token usable.
  const problem = passwordProblem(input.password, input.phone);
  if (problem) throw new ApiError('weakPassword', { detail: problem });

  const now = deps.now();
  const userId = nextId();
  const passwordHash = await bcrypt.hash(input.password, deps.config.bcryptCost);
  // Signed before the write: once the user exists, nothing is left that could fail.
  const { session, info } = await newSession(deps, userId, now);

  try {
    await deps.accounts.registerUser({
      token: { tokenHash: sha256(input.captchaToken), phone: input.phone, codeType: REGISTRATION_CODE_TYPE },
      user: { userId, ...profile(input), passwordHash, createdAt: now },
      session,
      now,
    });
  } catch (error) {
    if (error instanceof TokenAlreadyUsed) return replay(deps, input, error.usedBy, now);
    throw error;
  }
  logger.info('user registered', { userId, phone: maskPhone(input.phone) });
  return { userId, phone: input.phone, sessionInfo: info };
}

/**
 * The same request again with a token it already spent: a client retrying after a lost answer.
 * When the stored user matches it field for field (the password by its bcrypt hash, so nothing
 * new is stored), the client gets that user with a fresh session; any other body is refused.
 */
async function replay(deps: Deps, input: RegisterInput, userId: string, now: number) {
  const user = await deps.accounts.findUser(userId);
  const asked = profile(input);
  const sameFields = user !== undefined && (Object.keys(asked) as Array<keyof Profile>).every((k) => user[k] === asked[k]);
  if (!sameFields) throw new ApiError('tokenInvalid');
  // Checking the password is a login in all but name: it spends one of the account's tries.
  const quota = failureQuota(deps, input.phone);
  await deps.accounts.spendLoginAttempt(quota, now);
  if (!(await bcrypt.compare(input.password, user.passwordHash))) throw new ApiError('tokenInvalid');
  const { session, info } = await newSession(deps, userId, now);
  await deps.accounts.openSession({ session, now, resetQuota: quota });
  logger.info('registration retried', { userId, phone: maskPhone(input.phone) });
  return { userId, phone: input.phone, sessionInfo: info };
}
