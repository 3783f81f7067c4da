// SPEC §3.1: login with phone + password (authType 1) or phone + captcha token (authType 2).
import bcrypt from 'bcryptjs';
import { ApiError } from '../errors';
import { logger } from '../logger';
import { maskPhone } from '../phone';
import { sha256 } from '../secrets';
import type { Deps, DepsProvider } from '../container';
import type { LoginInput } from '../schemas';
import type { User } from '../store/store';
import { newSession } from './sessions';

const LOGIN_CODE_TYPE = '2';

// An unknown phone is checked against this hash, so it costs what a wrong password costs and
// the two answers cannot be told apart by their timing. Made once per container and cost.
const dummyHashes = new Map<number, Promise<string>>();
const dummyHash = (cost: number): Promise<string> => {
  let hash = dummyHashes.get(cost);
  if (!hash) dummyHashes.set(cost, (hash = bcrypt.hash('not-a-real-password', cost)));
  return hash;
};

/** Prepares the dummy hash at init, so that the first unknown-phone login costs what any other does. */
export function warmLogin(deps: DepsProvider): void {
  deps()
    .then((d) => dummyHash(d.config.bcryptCost))
    .catch(() => undefined);
}

const userInfo = (user: User) => ({
  userId: user.userId,
  firstname: user.firstname,
  surname: user.surname,
  phone: user.phone,
  email: user.email,
});

export async function login(deps: Deps, input: LoginInput) {
  const now = deps.now();
  const user = input.authType === '1' ? await passwordLogin(deps, input, now) : await deps.accounts.findUserByPhone(input.account);
  // authType 2 with an unknown phone: a user id no session can belong to, so that the store
  // judges the token first (and burns nothing) before answering badCredentials.
  const { session, info } = await newSession(deps, user?.userId ?? '0', now);
  if (input.authType === '1') {
    await deps.accounts.openSession({ session, now, resetQuota: failureQuota(deps, input.account) });
  } else {
    const token = { tokenHash: sha256(input.captchaToken), phone: input.account, codeType: LOGIN_CODE_TYPE } as const;
    await deps.accounts.openSession({ session, now, token });
  }
  if (!user) throw new ApiError('badCredentials');
  logger.info('user logged in', { userId: user.userId, phone: maskPhone(user.phone), authType: input.authType });
  return { userInfo: userInfo(user), sessionInfo: info };
}

/** Password tries per account and window: every check of a password against a user spends one. */
export const failureQuota = (deps: Deps, phone: string) => ({
  key: `login#${phone}`,
  max: deps.config.limits.loginMaxFailures,
  windowSeconds: deps.config.limits.loginFailureWindowSeconds,
});

/** The user when the password is right; every attempt spends one of the account's tries first. */
async function passwordLogin(deps: Deps, input: Extract<LoginInput, { authType: '1' }>, now: number): Promise<User> {
  await deps.accounts.spendLoginAttempt(failureQuota(deps, input.account), now);
  const user = await deps.accounts.findUserByPhone(input.account);
  const matches = await bcrypt.compare(input.password, user?.passwordHash ?? (await dummyHash(deps.config.bcryptCost)));
  if (!user || !matches) throw new ApiError('badCredentials');
  return user;
}
