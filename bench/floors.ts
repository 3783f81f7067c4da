// The floors the warm handlers are measured against: the work a request cannot do without — no
// middy, no schema, no domain code. Its storage calls are the stores' own (lib/store/dynamo/, on a
// document client of the floors' own built like the service's), so that each is the very request
// the service makes; beyond the request a store only maps the item it read or its write's outcome
// (microseconds), which a floor checks. Each floor is prepared up front (ids, inputs) and returns
// the operation to time.
//
//   register  one bcrypt.hash at the cost + one TransactWriteItems of registerUser's 5 items
//             (token update, phone put, user put, session put, refresh put). Nothing else is
//             needed to answer: this is the physical minimum, whatever the code looks like.
//   validate  one consistent GetItem (the code) + one 3-item TransactWriteItems (redeem the code,
//             put the captcha token, check the phone's wrong-code budget): the storage calls
//             validateCode makes; the HMAC is left out.
//   login     the calls a password login makes, in its order: UpdateItem (spend an attempt),
//             GetItem phone claim, GetItem user (both consistent), bcrypt.compare, then a 3-item
//             TransactWriteItems (session put, refresh put, quota delete). The ES256 signature of
//             the answer is left out. The two sequential reads are the design's, not physics.
//   refresh   ES256 verify of the access token + consistent GetItem (refresh record) + 3-item
//             TransactWriteItems (rotate session, mark old refresh, put new refresh) + ES256 sign.
import bcrypt from 'bcryptjs';
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { importJWK, jwtVerify } from 'jose';
import type { Deps } from '../lib/container';
import { passwordBudgets } from '../lib/domain/password-check';
import { codeFailuresQuota } from '../lib/domain/verification-limits';
import { nextId } from '../lib/ids';
import { randomToken, sha256 } from '../lib/secrets';
import { createDocumentClient } from '../lib/store/client';
import { DynamoAccountStore } from '../lib/store/dynamo/accounts';
import { DynamoSessionStore } from '../lib/store/dynamo/sessions';
import { DynamoVerificationStore } from '../lib/store/dynamo/verifications';
import { signAccessToken } from '../lib/tokens/access-token';
import { SIGNING_ALG } from '../lib/tokens/signing-key';
import type { registration } from '../tests/kit/users';

/** Milliseconds spent per kind of work ('bcrypt', 'db', 'es256') in one run of a floor. */
export type Parts = Record<string, number>;
export type Operation = () => Promise<Parts>;

/** Times the steps of one floor run by kind. */
function partTimer() {
  const parts: Parts = {};
  const time = async <T>(kind: string, step: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await step();
    } finally {
      parts[kind] = (parts[kind] ?? 0) + performance.now() - t;
    }
  };
  return { parts, time };
}

/** A store's outcome, which must be `ok`: a floor runs only what succeeds. */
function mustSucceed(floor: string, outcome: { kind: string }): void {
  if (outcome.kind !== 'ok') throw new Error(`${floor} floor: the store answered ${JSON.stringify(outcome)}`);
}

export class Floors {
  private readonly db: DynamoDBDocumentClient;
  private readonly accounts: DynamoAccountStore;
  private readonly verifications: DynamoVerificationStore;
  private readonly sessions: DynamoSessionStore;

  constructor(private readonly deps: Deps) {
    this.db = createDocumentClient(deps.config);
    const { tables } = deps.config;
    this.accounts = new DynamoAccountStore(this.db, tables);
    this.verifications = new DynamoVerificationStore(this.db, tables);
    this.sessions = new DynamoSessionStore(this.db, tables);
  }

  /** bcrypt.hash + registerUser's transaction, for a registration body the handler would get. */
  register(cost: number, body: ReturnType<typeof registration>): Operation {
    const { phone, firstname, surname, email, password, captchaToken } = body;
    const userId = nextId();
    const sessionId = nextId();
    const token = { tokenHash: sha256(captchaToken), phone, codeType: '1' as const };
    const refreshHash = sha256(randomToken());
    const refreshTtlMs = this.deps.config.limits.refreshTokenTtlSeconds * 1000;
    return async () => {
      const { parts, time } = partTimer();
      const passwordHash = await time('bcrypt', () => bcrypt.hash(password, cost));
      const now = Date.now();
      const user = { userId, phone, firstname, surname, email, passwordHash, createdAt: now };
      const session = {
        sessionId,
        userId,
        refreshHash,
        createdAt: now,
        expiresAt: now + refreshTtlMs,
        endsAt: now + this.deps.config.limits.sessionMaxLifetimeSeconds * 1000,
      };
      mustSucceed('register', await time('db', () => this.accounts.registerUser({ token, user, session, now })));
      return parts;
    };
  }

  /** validateCode's storage calls for a sent, unredeemed code. */
  validate(requestId: string, phone: string): Operation {
    const tokenHash = sha256(randomToken());
    const { codeMaxAttempts, captchaTokenTtlSeconds } = this.deps.config.limits;
    return async () => {
      const { parts, time } = partTimer();
      const code = await time('db', () => this.verifications.findCode(requestId));
      if (!code) throw new Error('validate floor: no code');
      const now = Date.now();
      const expiresAt = now + captchaTokenTtlSeconds * 1000;
      const token = { tokenHash, phone, codeType: '1' as const, expiresAt };
      const failures = codeFailuresQuota(this.deps.config.limits, phone);
      const redemption = { maxAttempts: codeMaxAttempts, token, failures, now };
      mustSucceed('validate', await time('db', () => this.verifications.redeemCode(requestId, redemption)));
      return parts;
    };
  }

  /** A password login's storage calls and bcrypt.compare, for a user registered with `password`. */
  login(phone: string, password: string): Operation {
    const { limits } = this.deps.config;
    // As the handler is timed: an event without a source IP spends the pair's and the phone's budgets.
    const { pair, account } = passwordBudgets(limits, { phone, sourceIp: undefined });
    const sessionId = nextId();
    const refreshHash = sha256(randomToken());
    return async () => {
      const { parts, time } = partTimer();
      const now = Date.now();
      mustSucceed('login', await time('db', () => this.accounts.spendLoginAttempt([pair], now)));
      const [spent, user] = await time('db', () =>
        Promise.all([this.accounts.spendLoginAttempt([account], now), this.accounts.findUserByPhone(phone)]),
      );
      mustSucceed('login', spent);
      if (!user) throw new Error('login floor: no user');
      const matches = await time('bcrypt', () => bcrypt.compare(password, user.passwordHash));
      if (!matches) throw new Error('login floor: password mismatch');
      await time('db', () => this.accounts.returnLoginAttempt({ reset: [pair], refund: [account], now }));
      const session = {
        sessionId,
        userId: user.userId,
        refreshHash,
        createdAt: now,
        expiresAt: now + limits.refreshTokenTtlSeconds * 1000,
        endsAt: now + limits.sessionMaxLifetimeSeconds * 1000,
      };
      mustSucceed('login', await time('db', () => this.accounts.openSession({ session, user, ending: [], now })));
      return parts;
    };
  }

  /** A refresh's verify, read, rotation and signature, for a live session's tokens. */
  async refresh(input: { accessToken: string; refreshToken: string }): Promise<Operation> {
    const { signingKey, config } = this.deps;
    const publicKey = await importJWK(signingKey.publicJwk, SIGNING_ALG);
    // The answer's `AT <jws>`, as a client holds it: the JWS is what gets verified.
    const jws = input.accessToken.replace(/^AT /, '');
    const oldHash = sha256(input.refreshToken);
    const newHash = sha256(randomToken());
    return async () => {
      const { parts, time } = partTimer();
      const { payload } = await time('es256', () =>
        jwtVerify(jws, publicKey, { issuer: config.jwt.issuer, audience: config.jwt.audience, algorithms: [SIGNING_ALG] }),
      );
      const record = await time('db', () => this.sessions.findRefresh(oldHash));
      if (!record) throw new Error('refresh floor: no refresh record');
      const now = Date.now();
      const expiresAt = now + config.limits.refreshTokenTtlSeconds * 1000;
      const { sessionId, endsAt = expiresAt } = record;
      const rotation = { sessionId, userId: String(payload.sub), oldHash, newHash, expiresAt, endsAt, now };
      mustSucceed('refresh', await time('db', () => this.sessions.rotateRefresh(rotation)));
      await time('es256', () => signAccessToken(signingKey, config.jwt, { userId: String(payload.sub), sessionId, issuedAtMs: now }));
      return parts;
    };
  }

  destroy(): void {
    this.db.destroy();
  }
}
