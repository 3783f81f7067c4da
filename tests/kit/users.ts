// Users for tests and benches: the reference registration body, and users registered or sessions
// opened for a run.
import type { KooDriveClient } from '../../client';
import type { Deps } from '../../lib/container';
import { newSession } from '../../lib/domain/sessions';
import { nextId } from '../../lib/ids';
import type { SessionInfo } from '../../lib/api/fields';
import { captchaToken, type Minter } from './codes';
import { randomPhone } from './phones';

/** The password of the README's examples: passes the policy, is not on the common list. */
export const PASSWORD = '01ASDAa1';

/** A registration body for `phone` paid with `captchaToken`, the reference password unless `extra` says otherwise. */
export const registration = (phone: string, captchaToken: string, extra: Record<string, unknown> = {}) => ({
  firstname: 'Ann',
  surname: 'Lee',
  phone,
  email: '',
  captchaToken,
  password: PASSWORD,
  ...extra,
});

/** A registration ready to send: `phone` (a fresh one by default) and a valid captcha token for it. */
export async function freshRegistration(via: Minter, phone = randomPhone()) {
  return registration(phone, await captchaToken(via, phone));
}

/** A new user, its token minted through `via` and registered through `client` (by default the same). */
export async function registeredUser(via: Minter, password = PASSWORD, client: KooDriveClient = via.client) {
  const phone = randomPhone();
  const data = await client.register(registration(phone, await captchaToken(via, phone), { password }));
  return { phone, password, userId: data.userId, session: data.sessionInfo };
}

/** A session opened straight through the domain and the store (no bcrypt, no HTTP): the tokens a client would hold. */
export async function openSession(deps: Deps, userId = nextId()): Promise<SessionInfo & { userId: string }> {
  const now = deps.now();
  const { session, info } = await newSession(deps, userId, now);
  await deps.accounts.openSession({ session, now });
  return { userId, ...info };
}
