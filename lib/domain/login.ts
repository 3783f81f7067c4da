// docs/API.md §3.1: login with phone + password (authType 1) or phone + captcha token (authType 2).
import bcrypt from 'bcryptjs';
import { ApiError } from '../errors';
import { logger } from '../logger';
import { maskPhone } from '../phone';
import { sha256 } from '../secrets';
import type { Deps } from '../container';
import type { LoginInput } from '../api/login';
import type { TokenLoginRefused } from './account-store';
import type { Quota, StoredUser, TokenSpend, User } from './records';
import { judgeToken, limitError, tokenError } from './refusals';
import { newSession, sessionsPushedOut } from './sessions';

const LOGIN_CODE_TYPE = '2';

// An unknown phone is checked against a hash of a password nobody has, so it costs what a wrong
// password costs and the two answers cannot be told apart by their timing. Written out for every
// cost the configuration accepts (4-14): nothing is hashed at start-up, so a container's first
// login does not share its core with a dummy hash. Made by
//   node -e "const b=require('bcryptjs');for(let c=4;c<=14;c++)console.log(c,b.hashSync('not-a-real-password',c))"
export const DUMMY_HASHES: Readonly<Record<number, string>> = {
  4: '$2b$04$aJVPG9npXjzxGkSnvdNIne9WZ37T1v3y5g8baNmdR191nxS8iKvRS',
  5: '$2b$05$B5G258TeVGxA8Hkv0MBSP.DklQHdjabY4CVkCcWL37Ro0uHFrsKd.',
  6: '$2b$06$Xs.q.wufZrY.t1yk1QbRH.BtQA3cNwxNDzfBdM5TvEsVcKZnT/53C',
  7: '$2b$07$aY2e4r/tx5loRE/TkTT/qe/a8lQVt3b5WIcOniQvzQLwYCReZhR9G',
  8: '$2b$08$iAHsVpR7ynWKb.N5auS7hepSvE9hHYn2gYK3PGFjVQOFCxxr/Udve',
  9: '$2b$09$zYa71kYSxBwNB7YF1CgqoOLSDX.lk9Wm2z9/iUSxO90rDjOokr/r2',
  10: '$2b$10$rSdOvhhpB4mh1T6OuQFYRObac7Olb.jDnMYJ5.AY.0L8lcEL9mwD6',
  11: '$2b$11$h9O0qBzIjyamlKPAgqP4NebF7r0Eluzuo8IJWA1cTDBsDAoMk4Tsa',
  12: '$2b$12$bovEr/8a6vNA0VbUL/.CZeOZXalQlztXQBhAH3CfW58bQD5BsKOgO',
  13: '$2b$13$r4uOvwODrRvMoYfpCybmX.7ss5NuGN/Pk6EmeJ4vjXYICsSsOb5cu',
  14: '$2b$14$I8cc4blFgtj4u68Ui16/yOLNMN1Zv/FPn570lHtcuLxWC/XM.puMG',
};

const userInfo = (user: User) => ({
  userId: user.userId,
  firstname: user.firstname,
  surname: user.surname,
  phone: user.phone,
  email: user.email,
});

export async function login(deps: Deps, input: LoginInput) {
  const now = deps.now();
  const { user, info } = input.authType === '1' ? await passwordLogin(deps, input, now) : await tokenLogin(deps, input, now);
  logger.info('user logged in', { userId: user.userId, phone: maskPhone(user.phone), authType: input.authType });
  return { userInfo: userInfo(user), sessionInfo: info };
}

/** A session for a password whose user checkPassword found, on condition that the user is still as read. */
async function passwordLogin(deps: Deps, input: Extract<LoginInput, { authType: '1' }>, now: number) {
  const user = await checkPassword(deps, input, now);
  const { session, info } = await newSession(deps, user.userId, now);
  const ending = sessionsPushedOut(user, now);
  const opened = await deps.accounts.openSession({ session, user, ending, now, resetQuota: failureQuota(deps, input.account) });
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

/** Password tries per account and window: every check of a password against a user spends one. */
export const failureQuota = (deps: Deps, phone: string): Quota => ({
  key: `login#${phone}`,
  max: deps.config.limits.loginMaxFailures,
  windowSeconds: deps.config.limits.loginFailureWindowSeconds,
});

/** The user when the password is right; every attempt spends one of the account's tries first. */
async function checkPassword(deps: Deps, input: Extract<LoginInput, { authType: '1' }>, now: number): Promise<StoredUser> {
  await spendPasswordTry(deps, failureQuota(deps, input.account), now);
  const user = await deps.accounts.findUserByPhone(input.account);
  const matches = await bcrypt.compare(input.password, user?.passwordHash ?? String(DUMMY_HASHES[deps.config.bcryptCost]));
  if (!user || !matches) throw new ApiError('badCredentials');
  return user;
}

/** Spends one of the account's password tries; 429 once they are used up. */
export async function spendPasswordTry(deps: Deps, quota: Quota, now: number): Promise<void> {
  const spent = await deps.accounts.spendLoginAttempt(quota, now);
  if (spent.kind === 'limited') throw limitError(spent);
}
