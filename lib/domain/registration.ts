// SPEC §1: register a user with a captcha token, in one atomic write.
import bcrypt from 'bcryptjs';
import { ApiError } from '../errors';
import { nextId } from '../ids';
import { logger } from '../logger';
import { maskPhone } from '../phone';
import { passwordProblem } from '../password-policy';
import { sha256 } from '../secrets';
import type { Deps } from '../container';
import type { RegisterInput } from '../schemas';
import { newSession } from './sessions';

const REGISTRATION_CODE_TYPE = '1';

export async function register(deps: Deps, input: RegisterInput) {
  // Checked before anything is written, so a refused password leaves the token usable.
  const problem = passwordProblem(input.password, input.phone);
  if (problem) throw new ApiError('weakPassword', { detail: problem });

  const now = deps.now();
  const userId = nextId();
  const passwordHash = await bcrypt.hash(input.password, deps.config.bcryptCost);
  // Signed before the write: once the user exists, nothing is left that could fail.
  const { session, info } = await newSession(deps, userId, now);

  await deps.accounts.registerUser({
    token: { tokenHash: sha256(input.captchaToken), phone: input.phone, codeType: REGISTRATION_CODE_TYPE },
    user: {
      userId,
      phone: input.phone,
      firstname: input.firstname,
      surname: input.surname ?? '',
      email: input.email ?? '',
      passwordHash,
      createdAt: now,
    },
    session,
    now,
  });
  logger.info('user registered', { userId, phone: maskPhone(input.phone) });
  return { userId, phone: input.phone, sessionInfo: info };
}
