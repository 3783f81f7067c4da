// A signing-key rotation as the README runs it (prepare, deploy, rotate, deploy, retire, deploy)
// logs no one out: at every step the containers of the value before and of the value after run
// side by side, each function holding only its own keys, and every token a signer issues is
// accepted by every verifier. The SMS codes' key is not part of it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { createDeps, type Deps, type KeyNeed } from '../lib/container';
import { createSmsSender } from '../lib/sms/create';
import { localVerifier } from '../lib/tokens/local-verifier';
import { generateSigningJwk, type StoredKeys } from '../lib/tokens/signing-key';
import { createHandlers } from './kit/handlers';
import { prepare, retire, rotate } from '../scripts/signing-key';
import { call, codeFromOutbox, configWith, registeredUser, service, type SessionInfo } from './helpers';

const scratch = mkdtempSync(join(tmpdir(), 'key-rotation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let files = 0;
/** The containers that read `stored` at their start: each function holding its own keys only. */
async function containers(stored: StoredKeys) {
  const file = join(scratch, `signing-key-${files++}.json`);
  writeFileSync(file, JSON.stringify(stored));
  // Locally the verifiers take the key file's public parts: what `signing-key public` writes to the
  // public-keys parameter of a deployed stage (tests/signing-key-cli.test.ts).
  const config = configWith({ SIGNING_KEY_FILE: file });
  const handlersHolding = async (keys: KeyNeed) => {
    const deps: Promise<Deps> = createDeps(config, { keys, sms: createSmsSender, verifier: localVerifier });
    await deps;
    return createHandlers(() => deps);
  };
  const [signing, verifying, codes] = await Promise.all([
    handlersHolding('signing'),
    handlersHolding('verifying'),
    handlersHolding('codes'),
  ]);
  return {
    login: signing.login,
    refresh: signing.refreshToken,
    logout: verifying.logout,
    authorizer: verifying.authorizer,
    jwks: verifying.jwks,
    sendCode: codes.sendCode,
    validateCode: codes.validateCode,
  };
}
type Containers = Awaited<ReturnType<typeof containers>>;

const agent = { 'x-hw-agentName': 'app', 'Content-Type': 'application/json' };
const withAuth = (accessToken: string) => ({ Authorization: accessToken, 'Content-Type': 'application/json' });
const authorized = async (c: Containers, accessToken: string) =>
  ((await c.authorizer({ headers: { authorization: accessToken } } as never)) as { isAuthorized: boolean }).isAuthorized;
const kidOf = (accessToken: string) => (JSON.parse(Buffer.from(accessToken.split('.')[0]!.slice(3), 'base64url').toString()) as JWK).kid;

async function login(c: Containers, account: { phone: string; password: string }): Promise<SessionInfo> {
  const answer = await call(c.login, { body: { account: account.phone, authType: '1', password: account.password }, headers: agent });
  expect(answer.status).toBe(200);
  return answer.body.data?.['sessionInfo'] as SessionInfo;
}

async function refresh(c: Containers, session: SessionInfo): Promise<SessionInfo> {
  const answer = await call(c.refresh, { body: { refreshToken: session.refreshToken }, headers: withAuth(session.accessToken) });
  expect(answer.body.code).toBe(0);
  return answer.body.data?.['sessionInfo'] as SessionInfo;
}

/** Every signer's token is accepted by every verifier of both values, the refresh function's included. */
async function expectSideBySide(before: Containers, after: Containers, account: { phone: string; password: string }) {
  for (const signer of [before, after]) {
    const session = await login(signer, account);
    for (const verifier of [before, after]) {
      expect(await authorized(verifier, session.accessToken)).toBe(true);
    }
    // A refresh by either value's function, of a token either signed.
    for (const refresher of [before, after]) {
      const again = await login(signer, account);
      expect(await authorized(before, (await refresh(refresher, again)).accessToken)).toBe(true);
    }
  }
}

describe('signing-key rotation', () => {
  it('prepare, rotate, retire: no token issued along the way is refused, and a session outlives them all', async () => {
    const account = await registeredUser(await service());
    const first = await generateSigningJwk();
    const v0 = await containers(first);
    const opened = await login(v0, account);

    const prepared = await prepare(first);
    const v1 = await containers(prepared);
    await expectSideBySide(v0, v1, account);
    expect(kidOf((await login(v1, account)).accessToken)).toBe(first.kid); // published, not signing yet

    const rotated = await rotate(prepared);
    const v2 = await containers(rotated);
    await expectSideBySide(v1, v2, account);
    const next = kidOf((await login(v2, account)).accessToken);
    expect(next).not.toBe(first.kid);
    // The session opened before: its token, signed with the old key, refreshes while that key is published.
    const carried = await refresh(v2, opened);
    expect(kidOf(carried.accessToken)).toBe(next);

    // Retired one refresh-token lifetime later (README): by then every live session has refreshed
    // onto the new key, since a token signed with a retired key can no longer be refreshed.
    const v3 = await containers(retire(rotated));
    await expectSideBySide(v2, v3, account);
    const jwks = JSON.parse((await call(v3.jwks, { headers: {} })).raw) as { keys: JWK[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([next]);

    expect(
      (await call(v3.refresh, { body: { refreshToken: (await login(v0, account)).refreshToken }, headers: withAuth(opened.accessToken) }))
        .body.code,
    ).not.toBe(0);
    // The session opened before it all: refreshed at the end, then ended.
    const refreshed = await refresh(v3, carried);
    expect(kidOf(refreshed.accessToken)).toBe(next);
    const ended = await call(v3.logout, {
      body: { userId: account.userId, accessToken: refreshed.accessToken },
      headers: withAuth(refreshed.accessToken),
    });
    expect(ended.body.code).toBe(0);
    expect(await authorized(v3, refreshed.accessToken)).toBe(false);
  });

  it('skipping prepare would refuse new tokens at verifiers still on the old value: why the README prepares first', async () => {
    const account = await registeredUser(await service());
    const first = await generateSigningJwk();
    const v0 = await containers(first);
    const v1 = await containers(await rotate(first));
    expect(await authorized(v0, (await login(v1, account)).accessToken)).toBe(false);
  });

  it('leaves the SMS codes in flight valid: their key is a secret of its own', async () => {
    const first = await generateSigningJwk();
    const v0 = await containers(first);
    const phone = `0099${String(Date.now()).slice(-8)}`;
    const sent = await call(v0.sendCode, { body: { phone, codeType: '1' }, headers: agent });
    expect(sent.status).toBe(200);
    const requestId = String(sent.body.data?.['requestId']);
    const v1 = await containers(await rotate(first));
    const checked = await call(v1.validateCode, { body: { requestId, code: codeFromOutbox(requestId), codeType: '1' }, headers: agent });
    expect(checked.body.data).toMatchObject({ verified: true });
  });
});

describe('each function holds only its own keys', () => {
  it('the code functions cannot sign, the verifiers hold no private key, the signers no code key', async () => {
    const config = configWith();
    const codes = await createDeps(config, { keys: 'codes' });
    expect(() => codes.signingKey.privateKey).toThrow(/holds no signing key/);
    await expect(codes.verifyAccessToken('AT a.b.c')).rejects.toThrow();
    const verifying = await createDeps(config, { keys: 'verifying', verifier: localVerifier });
    expect(() => verifying.signingKey.privateKey).toThrow(/holds no signing key/);
    expect(() => verifying.codeKey.secret).toThrow(/holds no code key/);
    expect(JSON.stringify(verifying.publicKeys)).not.toMatch(/"d"/);
    const signing = await createDeps(config, { keys: 'signing', verifier: localVerifier });
    expect(() => signing.codeKey.secret).toThrow(/holds no code key/);
    expect(signing.publicKeys).toEqual(signing.signingKey.publishedKeys);
  });
});
