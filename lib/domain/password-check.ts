// docs/API.md §7.7: every check of a password against an account goes through checkPassword, which
// counts wrong passwords three ways: per (phone, source IP), per phone, per source IP. Password
// login (§3.1) and a registration's retry (§1) call it, and so does any endpoint that asks for the
// password again before a change; one function, so that no path guesses outside the budgets.
import bcrypt from 'bcryptjs';
import { ApiError } from '../errors';
import type { Config } from '../config';
import type { Deps } from '../container';
import type { Quota, StoredUser } from './records';
import { limitError } from './refusals';

const HOUR = 3600;
const DAY = 24 * HOUR;

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

/** One password offered for an account. */
export interface PasswordAttempt {
  /** The account's phone, canonical (`00` + digits), as the endpoint schemas give it. */
  phone: string;
  /**
   * The client's address, as API Gateway saw it (`sourceIp` of the endpoint's request). Undefined
   * only for a hand-made event: then the attempt counts as one more unknown source of this phone,
   * and against no address's budget.
   */
  sourceIp: string | undefined;
  /** As the endpoint schemas give it: NFKC-normalised (lib/api/fields.ts `password`). */
  password: string;
}

/** The three budgets an attempt spends: its source's tries at this phone, the phone's, the source's. */
export interface PasswordBudgets {
  pair: Quota;
  account: Quota;
  /** None without a source IP. */
  ip: Quota | undefined;
}

export function passwordBudgets(
  limits: Config['limits'],
  { phone, sourceIp }: Pick<PasswordAttempt, 'phone' | 'sourceIp'>,
): PasswordBudgets {
  return {
    pair: { key: `login-pair#${phone}#${sourceIp ?? '-'}`, max: limits.loginMaxFailures, windowSeconds: limits.loginFailureWindowSeconds },
    account: { key: `login-phone#${phone}`, max: limits.loginMaxFailuresPerAccountPerDay, windowSeconds: DAY },
    ip: sourceIp === undefined ? undefined : { key: `login-ip#${sourceIp}`, max: limits.loginMaxFailuresPerIpPerHour, windowSeconds: HOUR },
  };
}

/**
 * The user whose phone and password these are.
 *
 * Throws `ApiError('tooManyAttempts')` (429 / 13001006, `Retry-After` the latest end of the
 * budgets used up) when any of the three has no try left, before any bcrypt work (and, past the
 * source's budgets, before any read), so a flood past a budget costs a few writes per request and
 * no CPU; and `ApiError('badCredentials')`
 * (401 / 13001008) for an unknown phone or a wrong password alike, after the same reads and the same
 * bcrypt compare. Callers with an answer of their own for a wrong password catch that one.
 *
 * Every attempt first spends one try of each budget, each counted by a conditional write, so
 * concurrent guesses are counted exactly; all or none: an attempt one budget refuses keeps nothing
 * of the others. The source's budgets go first, the phone's only once they allowed the attempt: the
 * phone's budget is the one its owner shares with everybody, so it counts no attempt that the
 * attacker's own address had no try left for, not even for a moment.
 *
 * A right password gives the tries back: its (phone, source IP) count is cleared, as the owner's
 * login from an address should, and the phone's and the source's budgets get back the one try this
 * attempt took, never more. So only wrong passwords stay counted; a success from one address does
 * not wipe out the failures counted from others at this phone, and an attacker logging in to an
 * account of his own does not reset his address's count of guesses at others.
 */
export async function checkPassword(deps: Deps, attempt: PasswordAttempt, now: number): Promise<StoredUser> {
  const { pair, account, ip } = passwordBudgets(deps.config.limits, attempt);
  const bySource = ip ? [pair, ip] : [pair];
  const sourceSpent = await deps.accounts.spendLoginAttempt(bySource, now);
  if (sourceSpent.kind === 'limited') throw limitError(sourceSpent);
  // The reads need no budget's answer: made meanwhile, they cost no round trip of their own.
  const [phoneSpent, user] = await Promise.all([
    deps.accounts.spendLoginAttempt([account], now),
    deps.accounts.findUserByPhone(attempt.phone),
  ]);
  if (phoneSpent.kind === 'limited') {
    await deps.accounts.returnLoginAttempt({ reset: [], refund: bySource, now });
    throw limitError(phoneSpent);
  }

  const matches = await bcrypt.compare(attempt.password, user?.passwordHash ?? String(DUMMY_HASHES[deps.config.bcryptCost]));
  if (!user || !matches) throw new ApiError('badCredentials');

  await deps.accounts.returnLoginAttempt({ reset: [pair], refund: ip ? [account, ip] : [account], now });
  return user;
}
