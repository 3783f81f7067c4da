// The typed client's account methods (docs/API.md §6.1, §6.5) and Session's: a password or phone
// change keeps the session that made it, and the service ends the user's others.
import { KooDriveError, Session, type KooDriveClient, type SessionState } from '../client';
import { inProcessFetch } from './kit/in-process-fetch';
import { captchaToken, clientFor, leakWatched, phoneChangeToken, randomPhone, registration, service } from './helpers';

/** What the client sent, request by request. */
const sent: Array<{ url: string; authorization: string | null; body: unknown }> = [];
let client: KooDriveClient;
beforeAll(async () => {
  const svc = await service();
  const inner = leakWatched(inProcessFetch(svc));
  client = clientFor(svc, {
    fetch: (input, init) => {
      const request = new Request(input, init);
      const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
      sent.push({ url: request.url, authorization: request.headers.get('authorization'), body });
      return inner(input, init);
    },
  });
});

/** A user signed in on two devices: `session` (a Session, recording its changes) and `other`. */
async function signedInTwice() {
  const phone = randomPhone();
  const password = registration(phone, '').password;
  const { userId, sessionInfo } = await client.register(registration(phone, await captchaToken(phone)));
  const other = (await client.login({ account: phone, authType: '1', password })).sessionInfo;
  const changes: Array<SessionState | undefined> = [];
  const session = new Session(client, { userId, sessionInfo }, { onChange: (state) => changes.push(state) });
  return { phone, password, userId, session, other, changes };
}

const kindOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof KooDriveError ? error.kind : String(error)),
  );

describe('Session.changePassword', () => {
  it('changes the password and keeps this session as it is; the other device is signed out', async () => {
    const { phone, session, other, changes } = await signedInTwice();
    const before = session.state;
    await expect(session.changePassword({ oldPassword: '01ASDAa1', newPassword: 'Client-new-pw-3' })).resolves.toBeUndefined();
    expect(session.state).toEqual(before);
    expect(changes).toEqual([]);
    await expect(session.refresh()).resolves.toMatchObject({ userId: before?.userId });
    expect(await kindOf(client.refreshToken(other))).toBe('invalidRefreshToken');
    await expect(client.login({ account: phone, authType: '1', password: 'Client-new-pw-3' })).resolves.toBeDefined();
  });

  it('throws the refusal and keeps the session: a wrong old password, a refused new one', async () => {
    const { session } = await signedInTwice();
    expect(await kindOf(session.changePassword({ oldPassword: 'Not-the-1-password', newPassword: 'Client-new-pw-3' }))).toBe(
      'badCredentials',
    );
    expect(await kindOf(session.changePassword({ oldPassword: '01ASDAa1', newPassword: 'password' }))).toBe('weakPassword');
    expect(session.state).toBeDefined();
  });
});

describe('Session.changePhone', () => {
  it('moves the account, answering the canonical number, and keeps this session; the other device is signed out', async () => {
    const { password, session, other, changes } = await signedInTwice();
    const newPhone = randomPhone();
    const answer = await session.changePhone({
      newPhone: `+${newPhone.slice(2)}`,
      captchaToken: await phoneChangeToken(newPhone, session.state!.sessionInfo.accessToken),
      password,
    });
    expect(answer).toEqual({ phone: newPhone });
    expect(changes).toEqual([]);
    await expect(session.refresh()).resolves.toBeDefined();
    expect(await kindOf(client.refreshToken(other))).toBe('invalidRefreshToken');
    await expect(client.login({ account: newPhone, authType: '1', password })).resolves.toBeDefined();
  });
});

describe('the client methods', () => {
  it("send the access token as Authorization only, and refuse another user's id", async () => {
    const a = await signedInTwice();
    const b = await signedInTwice();
    const accessToken = a.session.state!.sessionInfo.accessToken;
    sent.length = 0;
    expect(
      await kindOf(client.passwordModify({ accessToken, userId: b.userId, oldPassword: b.password, newPassword: 'Client-new-pw-3' })),
    ).toBe('accessDenied');
    const newPhone = randomPhone();
    const token = await phoneChangeToken(newPhone, accessToken);
    expect(await kindOf(client.phoneModify({ accessToken, userId: b.userId, newPhone, captchaToken: token, password: b.password }))).toBe(
      'accessDenied',
    );
    await expect(
      client.phoneModify({ accessToken, userId: a.userId, newPhone, captchaToken: token, password: a.password }),
    ).resolves.toEqual({
      phone: newPhone,
    });
    const account = sent.filter((r) => r.url.endsWith('/modify'));
    expect(account).toHaveLength(3);
    for (const request of account) {
      expect(request.authorization).toBe(accessToken);
      expect(request.body).not.toHaveProperty('accessToken');
    }
  });
});
