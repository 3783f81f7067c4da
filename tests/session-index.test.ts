// docs/API.md §3.3: signing out everywhere, the session's absolute lifetime, and the user's session
// index that lets one write end every session (docs/adr/0014-session-index-on-the-user.md).
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_SESSIONS_PER_USER } from '../lib/domain/sessions';
import { sha256 } from '../lib/secrets';
import { createDocumentClient } from '../lib/store/client';
import { openSession } from './kit/users';
import { call, configWith, registeredUser, service, type Service, type SessionInfo } from './helpers';

const db = createDocumentClient(configWith());

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

const agent = { 'x-hw-agentName': 'app', 'Content-Type': 'application/json' };
const withAuth = (accessToken: string) => ({ Authorization: accessToken, 'Content-Type': 'application/json' });

const login = async (s: Service, account: string, password: string) => {
  const answer = await call(s.login, { body: { account, authType: '1', password }, headers: agent });
  expect(answer.status).toBe(200);
  return answer.body.data?.['sessionInfo'] as SessionInfo;
};
const refresh = (s: Service, session: Pick<SessionInfo, 'accessToken' | 'refreshToken'>) =>
  call(s.refreshToken, { body: { refreshToken: session.refreshToken }, headers: withAuth(session.accessToken) });
const logout = (s: Service, userId: string, accessToken: string, extra: Record<string, unknown> = {}) =>
  call(s.logout, { body: { userId, accessToken, ...extra }, headers: withAuth(accessToken) });
const authorized = async (s: Service, authorization: string) =>
  ((await s.authorizer({ headers: { authorization } } as never)) as { isAuthorized: boolean }).isAuthorized;

const userItem = async (userId: string) =>
  (await db.send(new GetCommand({ TableName: svc.deps.config.tables.users, Key: { pk: `USER#${userId}` }, ConsistentRead: true }))).Item;
const sessionItem = async (sessionId: string) =>
  (await db.send(new GetCommand({ TableName: svc.deps.config.tables.sessions, Key: { pk: `SESSION#${sessionId}` }, ConsistentRead: true })))
    .Item;

describe('logout with allSessions (sign out everywhere)', () => {
  it('ends every session of the user at once: refresh tokens 13001009, access tokens refused by functions and the authorizer', async () => {
    const user = await registeredUser(svc);
    const phone = await login(svc, user.phone, user.password);
    const laptop = await login(svc, user.phone, user.password);
    const sessions = [user.session, phone, laptop];
    for (const s of sessions) expect(await authorized(svc, s.accessToken)).toBe(true);

    const answer = await logout(svc, user.userId, laptop.accessToken, { allSessions: true });
    expect(answer.status).toBe(200);

    for (const s of sessions) {
      expect(await authorized(svc, s.accessToken)).toBe(false);
      expect((await refresh(svc, s)).body.code).toBe(13001009);
      expect((await logout(svc, user.userId, s.accessToken)).body.code).toBe(13001010);
    }
    expect((await userItem(user.userId))?.['sessions']).toEqual({});
  });

  it('without allSessions ends only the calling session, and takes it out of the index', async () => {
    const user = await registeredUser(svc);
    const other = await login(svc, user.phone, user.password);
    expect((await logout(svc, user.userId, other.accessToken, { allSessions: false })).status).toBe(200);
    expect(await authorized(svc, other.accessToken)).toBe(false);
    expect(await authorized(svc, user.session.accessToken)).toBe(true);
    expect((await refresh(svc, user.session)).status).toBe(200);
    expect(Object.keys((await userItem(user.userId))?.['sessions'] as object)).toHaveLength(1);
  });

  it('refuses an allSessions that is not a boolean, naming it', async () => {
    const user = await registeredUser(svc);
    const answer = await logout(svc, user.userId, user.session.accessToken, { allSessions: 'yes' });
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toContain('allSessions');
    expect(await authorized(svc, user.session.accessToken)).toBe(true);
  });
});

describe('the absolute session lifetime (SESSION_MAX_LIFETIME_SECONDS)', () => {
  it('refreshing never extends a session past it; past it the refresh token is refused', async () => {
    let now = Date.now();
    // A 1-hour session whose refresh tokens would live 30 days.
    const timed = await service({ now: () => now, env: { SESSION_MAX_LIFETIME_SECONDS: '3600' } });
    const user = await registeredUser(timed);
    let session = user.session;
    for (const step of [1_000_000, 1_000_000, 1_000_000]) {
      now += step;
      const answer = await refresh(timed, session);
      expect(answer.status).toBe(200);
      session = answer.body.data?.['sessionInfo'] as SessionInfo;
    }
    const refreshItem = (
      await db.send(
        new GetCommand({ TableName: timed.deps.config.tables.sessions, Key: { pk: `REFRESH#${sha256(session.refreshToken)}` } }),
      )
    ).Item;
    expect(Number(refreshItem?.['expiresAt'])).toBeLessThanOrEqual(Number(refreshItem?.['endsAt']));

    now += 700_000; // 3,700 s after the session opened
    expect((await refresh(timed, session)).body.code).toBe(13001009);
    // Its access tokens end with it, too.
    expect(await authorized(timed, session.accessToken)).toBe(false);
  });
});

describe('the session index on the user', () => {
  it(`keeps at most ${MAX_SESSIONS_PER_USER} live sessions: opening one more ends the oldest`, async () => {
    const user = await registeredUser(svc);
    const opened: SessionInfo[] = [user.session];
    for (let i = 1; i < MAX_SESSIONS_PER_USER; i++) opened.push(await openSession(svc.deps, user.userId));
    expect(Object.keys((await userItem(user.userId))?.['sessions'] as object)).toHaveLength(MAX_SESSIONS_PER_USER);
    expect(await authorized(svc, user.session.accessToken)).toBe(true);

    const newest = await login(svc, user.phone, user.password);
    expect(Object.keys((await userItem(user.userId))?.['sessions'] as object)).toHaveLength(MAX_SESSIONS_PER_USER);
    expect(await authorized(svc, user.session.accessToken)).toBe(false); // the oldest, the registration's
    expect((await refresh(svc, user.session)).body.code).toBe(13001009);
    expect(await authorized(svc, opened[1]!.accessToken)).toBe(true);
    expect(await authorized(svc, newest.accessToken)).toBe(true);
  });

  it('opens no session for a user deleted between the password check and the write', async () => {
    const user = await registeredUser(svc);
    // The user goes while the login's bcrypt compare runs.
    const write = svc.deps.accounts.openSession.bind(svc.deps.accounts);
    const deleting = jest.spyOn(svc.deps.accounts, 'openSession').mockImplementationOnce(async (input) => {
      await svc.deps.accounts.deleteUser({ userId: user.userId });
      return write(input);
    });
    try {
      const answer = await call(svc.login, { body: { account: user.phone, authType: '1', password: user.password }, headers: agent });
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe(13001008);
      const opened = deleting.mock.calls[0]![0].session.sessionId;
      expect(await sessionItem(opened)).toBeUndefined();
      expect(await userItem(user.userId)).toBeUndefined(); // not recreated by the index update
    } finally {
      deleting.mockRestore();
    }
  });

  it('starts the index for a user stored before it existed', async () => {
    const user = await registeredUser(svc);
    await db.send(
      new UpdateCommand({
        TableName: svc.deps.config.tables.users,
        Key: { pk: `USER#${user.userId}` },
        UpdateExpression: 'REMOVE #sessions, rev',
        ExpressionAttributeNames: { '#sessions': 'sessions' },
      }),
    );
    const session = await login(svc, user.phone, user.password);
    const item = await userItem(user.userId);
    expect(Object.keys(item?.['sessions'] as object)).toHaveLength(1);
    expect(item?.['rev']).toBe(1);
    expect((await logout(svc, user.userId, session.accessToken, { allSessions: true })).status).toBe(200);
    expect(await authorized(svc, session.accessToken)).toBe(false);
  });
});
