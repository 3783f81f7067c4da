// docs/API.md §1: register a user with a captcha token, in one atomic write.
import bcrypt from 'bcryptjs';
import { ApiError } from '../errors';
import { nextId } from '../ids';
import { logger } from '../logger';
import { maskPhone } from '../phone';
import { passwordProblem } from '../password-policy';
import { sha256 } from '../secrets';
import type { Deps } from '../container';
import type { RegisterInput } from '../api/register';
import type { RegistrationRefused } from './account-store';
import { checkPassword } from './password-check';
import type { TokenSpend, User } from './records';
import { judgeToken, tokenError } from './refusals';
import { newSession, sessionsPushedOut } from './sessions';

const REGISTRATION_CODE_TYPE = '1';

type Profile = Pick<User, 'phone' | 'firstname' | 'surname' | 'email'>;

/** What a registration stores of its request besides the password: written once, compared on a retry. */
const profile = (input: RegisterInput): Profile => ({
  phone: input.phone,
  firstname: input.firstname,
  surname: input.surname ?? '',
  email: input.email ?? '',
});

/** `sourceIp`: the client's address, which a retry's password check is counted by (password-check.ts). */
export async function register(deps: Deps, input: RegisterInput, sourceIp: string | undefined) {
  // Checked before anything is written, so a refused password leaves the token usable.
  const problem = passwordProblem(input.password, input.phone);
  if (problem) throw new ApiError('weakPassword', { detail: problem });

  const now = deps.now();
  const userId = nextId();
  const passwordHash = await bcrypt.hash(input.password, deps.config.bcryptCost);
  // Signed before the write: once the user exists, nothing is left that could fail.
  const { session, info } = await newSession(deps, userId, now);

  const token: TokenSpend = { tokenHash: sha256(input.captchaToken), phone: input.phone, codeType: REGISTRATION_CODE_TYPE };
  const written = await deps.accounts.registerUser({
    token,
    user: { userId, ...profile(input), passwordHash, createdAt: now },
    session,
    now,
  });
  if (written.kind === 'refused') {
    const refusal = registrationRefusal(written, token, now);
    if (refusal.kind === 'retryOf') return replay(deps, input, refusal.userId, sourceIp, now);
    throw refusal.error;
  }
  logger.info('user registered', { userId, phone: maskPhone(input.phone) });
  return { userId, phone: input.phone, sessionInfo: info };
}

/**
 * Which refusal a registration gets. The token is judged first: without a valid token nobody
 * learns whether a phone is taken. A token that already paid for a registration, still within its
 * lifetime, may be that registration's retry.
 */
export function registrationRefusal(
  refused: RegistrationRefused,
  token: TokenSpend,
  now: number,
): { kind: 'retryOf'; userId: string } | { kind: 'refuse'; error: ApiError } {
  if (refused.token) {
    const verdict = judgeToken(refused.token.found, token, now);
    return verdict.kind === 'spentBy' ? { kind: 'retryOf', userId: verdict.userId } : { kind: 'refuse', error: tokenError(verdict) };
  }
  return { kind: 'refuse', error: new ApiError('phoneTaken') };
}

/**
 * The same request again with a token it already spent: a client retrying after a lost answer.
 * When the stored user matches it field for field (the password by its bcrypt hash, so nothing
 * new is stored), the client gets that user with a fresh session; any other body is refused.
 */
async function replay(deps: Deps, input: RegisterInput, userId: string, sourceIp: string | undefined, now: number) {
  const user = await deps.accounts.findUser(userId);
  const asked = profile(input);
  const sameFields = user !== undefined && (Object.keys(asked) as Array<keyof Profile>).every((k) => user[k] === asked[k]);
  if (!sameFields) throw new ApiError('tokenInvalid');
  // Checking the password is a login in all but name: it spends the same tries.
  const checked = await checkPassword(deps, { phone: input.phone, sourceIp, password: input.password }, now).catch((error: unknown) => {
    throw error instanceof ApiError && error.kind === 'badCredentials' ? new ApiError('tokenInvalid') : error;
  });
  if (checked.userId !== userId) throw new ApiError('tokenInvalid'); // the phone is another user's by now
  const { session, info } = await newSession(deps, userId, now);
  const opened = await deps.accounts.openSession({ session, user, ending: sessionsPushedOut(user, now), now });
  if (opened.kind === 'userChanged') throw new ApiError('tokenInvalid');
  logger.info('registration retried', { userId, phone: maskPhone(input.phone) });
  return { userId, phone: input.phone, sessionInfo: info };
}
