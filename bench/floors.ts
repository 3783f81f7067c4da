// The floors the warm handlers are measured against: the work a request cannot do without, issued
// raw — no middy, no schema, no domain code — on a document client built like the service's
// (lib/store/client.ts). Each floor is prepared up front (ids, inputs) and returns the operation to
// time. The transaction items come from the shared builders of lib/store/dynamo/shared.ts where
// they exist; those written inline in the stores are mirrored here (same keys, conditions, values).
//
//   register  one bcrypt.hash at the cost + one TransactWriteItems of registerUser's 5 items
//             (token update, phone put, user put, session put, refresh put). Nothing else is
//             needed to answer: this is the physical minimum, whatever the code looks like.
//   validate  one consistent GetItem (the code) + one 2-item TransactWriteItems (redeem the code,
//             put the captcha token): the storage calls validateCode makes; the HMAC is left out.
//   login     the calls a password login makes, in its order: UpdateItem (spend an attempt),
//             GetItem phone claim, GetItem user (both consistent), bcrypt.compare, then a 3-item
//             TransactWriteItems (session put, refresh put, quota delete). The ES256 signature of
//             the answer is left out. The two sequential reads are the design's, not physics.
//   refresh   ES256 verify of the access token + consistent GetItem (refresh record) + 3-item
//             TransactWriteItems (rotate session, mark old refresh, put new refresh) + ES256 sign.
import bcrypt from 'bcryptjs';
import { performance } from 'node:perf_hooks';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { importJWK, jwtVerify } from 'jose';
import type { Deps } from '../lib/container';
import { failureQuota } from '../lib/domain/login';
import { nextId } from '../lib/ids';
import { randomToken, sha256 } from '../lib/secrets';
import { createDocumentClient } from '../lib/store/client';
import { keys, quotaReset, quotaSpend, sessionPuts, type TransactItems } from '../lib/store/dynamo/shared';
import { registrationItems } from '../lib/store/dynamo/accounts';
import { rotationItems } from '../lib/store/dynamo/sessions';
import { redemptionItems } from '../lib/store/dynamo/verifications';
import { stripScheme } from '../lib/tokens/verifier';
import { signAccessToken } from '../lib/tokens/access-token';
import { SIGNING_ALG } from '../lib/tokens/signing-key';
import { PASSWORD } from '../tests/kit/users';

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

export class Floors {
  readonly db: DynamoDBDocumentClient;
  private readonly tables: Deps['config']['tables'];

  constructor(private readonly deps: Deps) {
    this.db = createDocumentClient(deps.config);
    this.tables = deps.config.tables;
  }

  private async transact(items: TransactItems): Promise<void> {
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }

  private async get(table: string, pk: string) {
    return (await this.db.send(new GetCommand({ TableName: table, Key: { pk }, ConsistentRead: true }))).Item;
  }

  /** bcrypt.hash + registerUser's transaction, spending `captchaToken` for `phone` like register does. */
  register(cost: number, phone: string, captchaToken: string): Operation {
    const userId = nextId();
    const sessionId = nextId();
    const token = { tokenHash: sha256(captchaToken), phone, codeType: '1' as const };
    const refreshHash = sha256(randomToken());
    const refreshTtlMs = this.deps.config.limits.refreshTokenTtlSeconds * 1000;
    return async () => {
      const { parts, time } = partTimer();
      const passwordHash = await time('bcrypt', () => bcrypt.hash(PASSWORD, cost));
      const now = Date.now();
      const user = { userId, phone, firstname: 'Bench', surname: '', email: '', passwordHash, createdAt: now };
      const session = { sessionId, userId, refreshHash, createdAt: now, expiresAt: now + refreshTtlMs };
      await time('db', () => this.transact(registrationItems(this.tables, { token, user, session, now })));
      return parts;
    };
  }

  /** validateCode's storage calls for a sent, unredeemed code. */
  validate(requestId: string, phone: string): Operation {
    const tokenHash = sha256(randomToken());
    const { codeMaxAttempts, captchaTokenTtlSeconds } = this.deps.config.limits;
    return async () => {
      const { parts, time } = partTimer();
      const code = await time('db', () => this.get(this.tables.verifications, keys.code(requestId)));
      if (!code) throw new Error('validate floor: no code');
      const now = Date.now();
      const expiresAt = now + captchaTokenTtlSeconds * 1000;
      await time('db', () =>
        this.transact(
          redemptionItems(this.tables.verifications, {
            requestId,
            maxAttempts: codeMaxAttempts,
            token: { tokenHash, phone, codeType: '1', expiresAt },
            now,
          }),
        ),
      );
      return parts;
    };
  }

  /** A password login's storage calls and bcrypt.compare, for a registered `phone`. */
  login(phone: string): Operation {
    const { limits } = this.deps.config;
    const quota = failureQuota(this.deps, phone);
    const sessionId = nextId();
    const refreshHash = sha256(randomToken());
    return async () => {
      const { parts, time } = partTimer();
      const now = Date.now();
      const { item } = quotaSpend(this.tables.rateLimits, quota, now);
      await time('db', () => this.db.send(new UpdateCommand(item.Update as ConstructorParameters<typeof UpdateCommand>[0])));
      const claim = await time('db', () => this.get(this.tables.users, keys.phone(phone)));
      const user = await time('db', () => this.get(this.tables.users, keys.user(String(claim?.['userId']))));
      const matches = await time('bcrypt', () => bcrypt.compare(PASSWORD, String(user?.['passwordHash'])));
      if (!matches) throw new Error('login floor: password mismatch');
      const userId = String(claim?.['userId']);
      await time('db', () =>
        this.transact([
          ...sessionPuts(this.tables.sessions, {
            sessionId,
            userId,
            refreshHash,
            createdAt: now,
            expiresAt: now + limits.refreshTokenTtlSeconds * 1000,
          }),
          quotaReset(this.tables.rateLimits, quota, now),
        ]),
      );
      return parts;
    };
  }

  /** A refresh's verify, read, rotation and signature, for a live session's tokens. */
  async refresh(input: { accessToken: string; refreshToken: string }): Promise<Operation> {
    const { signingKey, config } = this.deps;
    const publicKey = await importJWK(signingKey.publicJwk, SIGNING_ALG);
    const oldHash = sha256(input.refreshToken);
    const newHash = sha256(randomToken());
    return async () => {
      const { parts, time } = partTimer();
      const { payload } = await time('es256', () =>
        jwtVerify(stripScheme(input.accessToken), publicKey, {
          issuer: config.jwt.issuer,
          audience: config.jwt.audience,
          algorithms: [SIGNING_ALG],
        }),
      );
      const record = await time('db', () => this.get(this.tables.sessions, keys.refresh(oldHash)));
      if (!record) throw new Error('refresh floor: no refresh record');
      const now = Date.now();
      const expiresAt = now + config.limits.refreshTokenTtlSeconds * 1000;
      const sessionId = String(record['sessionId']);
      const userId = String(record['userId']);
      await time('db', () => this.transact(rotationItems(this.tables.sessions, { sessionId, userId, oldHash, newHash, expiresAt, now })));
      await time('es256', () => signAccessToken(signingKey, config.jwt, { userId: String(payload.sub), sessionId, issuedAtMs: now }));
      return parts;
    };
  }

  destroy(): void {
    this.db.destroy();
  }
}
