// Users for tests and benches: the reference registration body, and users registered or sessions
// opened for a run.
import type { KooDriveClient } from '../../client';
import type { Deps } from '../../lib/container';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { newSession, sessionsPushedOut } from '../../lib/domain/sessions';
import { createDocumentClient } from '../../lib/store/client';
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

/**
 * A session opened straight through the domain and the store (no bcrypt, no HTTP): the tokens a
 * client would hold. A user id no user has gets a bare user item first (no phone claim, no password).
 */
export async function openSession(deps: Deps, userId = nextId()): Promise<SessionInfo & { userId: string }> {
  const now = deps.now();
  const user = (await deps.accounts.findUser(userId)) ?? (await bareUser(deps, userId, now));
  const { session, info } = await newSession(deps, userId, now);
  const opened = await deps.accounts.openSession({ session, user, ending: sessionsPushedOut(user, now), now });
  if (opened.kind !== 'ok') throw new Error(`kit: could not open a session for ${userId}`);
  return { userId, ...info };
}

async function bareUser(deps: Deps, userId: string, now: number) {
  const user = { userId, phone: randomPhone(), firstname: 'Kit', surname: '', email: '', passwordHash: '-', createdAt: now };
  const db = createDocumentClient(deps.config);
  try {
    await db.send(new PutCommand({ TableName: deps.config.tables.users, Item: { pk: `USER#${userId}`, ...user, sessions: {}, rev: 0 } }));
  } finally {
    db.destroy();
  }
  return { ...user, sessions: {}, rev: 0, registeredWith: undefined, phoneChangedWith: undefined };
}
