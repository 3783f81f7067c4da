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
import { newSession } from './sessions';

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
  const user =
    input.authType === '1'
      ? await checkPassword(deps, { phone: input.account, sourceIp, password: input.password }, now)
      : await deps.accounts.findUserByPhone(input.account);
  // authType 2 with an unknown phone: a user id no session can belong to, so that the write is
  // refused (burning nothing) and the token is judged first, before answering badCredentials.
  const { session, info } = await newSession(deps, user?.userId ?? '0', now);
  if (input.authType === '1') {
    await deps.accounts.openSession({ session, now });
  } else {
    const token = { tokenHash: sha256(input.captchaToken), phone: input.account, codeType: LOGIN_CODE_TYPE } as const;
    const opened = await deps.accounts.openSessionWithToken({ session, now, token });
    if (opened.kind === 'refused') throw tokenLoginError(opened, token, now);
  }
  if (!user) throw new ApiError('badCredentials');
  logger.info('user logged in', { userId: user.userId, phone: maskPhone(user.phone), authType: input.authType });
  return { userInfo: userInfo(user), sessionInfo: info };
}

/**
 * Which refusal a token login gets: the token is judged first (a spent one is invalid here), and
 * only a valid token learns that its phone is not a user's.
 */
export function tokenLoginError(refused: TokenLoginRefused, token: TokenSpend, now: number): ApiError {
  if (refused.token) return tokenError(judgeToken(refused.token.found, token, now));
  return new ApiError('badCredentials');
}
