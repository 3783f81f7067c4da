// docs/API.md §3.1: login with phone + password (authType 1) or phone + captcha token (authType 2).
import { ApiError } from '../errors';
import { logger } from '../logger';
import { maskPhone } from '../phone';
import { sha256 } from '../secrets';
import type { Deps } from '../container';
import type { LoginInput } from '../api/login';
import type { TokenLoginRefused } from './account-store';
import { checkPassword } from './password-check';
import type { TokenSpend, User } from './records';
import { judgeToken, tokenError } from './refusals';
import { newSession, sessionsPushedOut } from './sessions';

const LOGIN_CODE_TYPE = '2';

const userInfo = (user: User) => ({
  userId: user.userId,
  firstname: user.firstname,
  surname: user.surname,
  phone: user.phone,
  email: user.email,
});

/** `sourceIp`: the client's address, which the password tries are counted by (password-check.ts). */
export async function login(deps: Deps, input: LoginInput, sourceIp: string | undefined) {
  const now = deps.now();
  const { user, info } = input.authType === '1' ? await passwordLogin(deps, input, sourceIp, now) : await tokenLogin(deps, input, now);
  logger.info('user logged in', { userId: user.userId, phone: maskPhone(user.phone), authType: input.authType });
  return { userInfo: userInfo(user), sessionInfo: info };
}

/** A session for a password whose user checkPassword found, on condition that the user is still as read. */
async function passwordLogin(deps: Deps, input: Extract<LoginInput, { authType: '1' }>, sourceIp: string | undefined, now: number) {
  const user = await checkPassword(deps, { phone: input.account, sourceIp, password: input.password }, now);
  const { session, info } = await newSession(deps, user.userId, now);
  const ending = sessionsPushedOut(user, now);
  const opened = await deps.accounts.openSession({ session, user, ending, now });
  if (opened.kind === 'userChanged') throw new ApiError('badCredentials'); // its password or phone changed meanwhile
  return { user, info };
}

async function tokenLogin(deps: Deps, input: Extract<LoginInput, { authType: '2' }>, now: number) {
  const user = await deps.accounts.findUserByPhone(input.account);
  // An unknown phone: a user id no session can belong to, so that the write is refused (burning
  // nothing) and the token is judged first, before answering badCredentials.
  const { session, info } = await newSession(deps, user?.userId ?? '0', now);
  const ending = user ? sessionsPushedOut(user, now) : [];
  const token = { tokenHash: sha256(input.captchaToken), phone: input.account, codeType: LOGIN_CODE_TYPE } as const;
  const opened = await deps.accounts.openSessionWithToken({ session, user, ending, now, token });
  if (opened.kind === 'refused') throw tokenLoginError(opened, token, now);
  if (!user) throw new ApiError('badCredentials');
  return { user, info };
}

/**
 * Which refusal a token login gets: the token is judged first (a spent one is invalid here), and
 * only a valid token learns that its phone is not a user's.
 */
export function tokenLoginError(refused: TokenLoginRefused, token: TokenSpend, now: number): ApiError {
  if (refused.token) return tokenError(judgeToken(refused.token.found, token, now));
  return new ApiError('badCredentials'); // not theirs, or the user changed or went meanwhile
}
