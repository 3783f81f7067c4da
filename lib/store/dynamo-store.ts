// DynamoDB implementation of the Store. Every invariant is a condition on a write, so concurrent
// functions cannot break it; every multi-item change is one TransactWriteItems.
import {
  TransactionCanceledException,
  type CancellationReason,
  ConditionalCheckFailedException,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../errors';
import type { Config } from '../config';
import type { CaptchaToken, Cooldown, Quota, Session, Store, User, VerificationCode } from './store';

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
type Tables = Config['tables'];

const keys = {
  code: (requestId: string) => `CODE#${requestId}`,
  token: (tokenHash: string) => `TOKEN#${tokenHash}`,
  phone: (phone: string) => `PHONE#${phone}`,
  user: (userId: string) => `USER#${userId}`,
  session: (sessionId: string) => `SESSION#${sessionId}`,
  quota: (key: string, window: number) => `QUOTA#${key}#${window}`,
  cooldown: (key: string) => `COOLDOWN#${key}`,
};

const epochSeconds = (ms: number) => Math.ceil(ms / 1000);
// Short-lived items linger a day past their expiry before TTL removes them: long enough to
// answer "expired" rather than "unknown", short enough to keep the tables small.
const LINGER_SECONDS = 24 * 3600;
const ttlFor = (expiresAtMs: number) => epochSeconds(expiresAtMs) + LINGER_SECONDS;

// Transactions touching the same item concurrently are cancelled with TransactionConflict; the
// conditions make a retry safe, and the retry then sees the winner's write.
const CONFLICT_RETRIES = 10;

/** Reason i of a cancelled transaction, with its old item unmarshalled. */
interface Failure {
  index: number;
  item: Record<string, unknown> | undefined;
}

function conditionFailures(reasons: CancellationReason[] | undefined): Failure[] {
  return (reasons ?? []).flatMap((reason, index) =>
    reason.Code === 'ConditionalCheckFailed'
      ? [{ index, item: reason.Item ? unmarshall(reason.Item) : undefined }]
      : [],
  );
}

export class DynamoStore implements Store {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Tables,
  ) {}

  /** Runs a transaction, retrying conflicts; returns the failed conditions, empty on success. */
  private async transact(items: TransactItems): Promise<Failure[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return [];
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const failures = conditionFailures(error.CancellationReasons);
        if (failures.length > 0) return failures;
        const conflicted = error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict');
        if (!conflicted || attempt >= CONFLICT_RETRIES) throw error;
        await sleep(Math.random() * 10 * attempt);
      }
    }
  }

  async saveCode(code: VerificationCode, spend: { quotas: Quota[]; cooldown?: Cooldown; now: number }): Promise<void> {
    const { now, cooldown, quotas } = spend;
    // Each limit written, with the time its refusal would last.
    const limits: Array<{ item: TransactItems[number]; retryAfterMs: (old?: Record<string, unknown>) => number }> = [];
    if (cooldown) {
      const until = now + cooldown.seconds * 1000;
      limits.push({
        item: {
          Put: {
            TableName: this.tables.rateLimits,
            Item: { pk: keys.cooldown(cooldown.key), until, ttl: epochSeconds(until) },
            ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':now': now },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        retryAfterMs: (old) => Number(old?.['until'] ?? until) - now,
      });
    }
    for (const quota of quotas) {
      const windowMs = quota.windowSeconds * 1000;
      const windowEnd = (Math.floor(now / windowMs) + 1) * windowMs;
      limits.push({
        item: {
          Update: {
            TableName: this.tables.rateLimits,
            Key: { pk: keys.quota(quota.key, windowEnd) },
            UpdateExpression: 'ADD hits :one SET #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(hits) OR hits < :max',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':one': 1, ':max': quota.max, ':ttl': epochSeconds(windowEnd) },
          },
        },
        retryAfterMs: () => windowEnd - now,
      });
    }
    const failures = await this.transact([
      ...limits.map((l) => l.item),
      {
        Put: {
          TableName: this.tables.verifications,
          Item: {
            pk: keys.code(code.requestId),
            phone: code.phone,
            codeType: code.codeType,
            codeHash: code.codeHash,
            expiresAt: code.expiresAt,
            failCount: 0,
            ttl: ttlFor(code.expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (failures.length === 0) return;
    const refusals = failures.map(({ index, item }) => {
      const limit = limits[index];
      if (!limit) throw new Error('request id collision'); // the code Put: ids are unique per container and ms
      return limit.retryAfterMs(item);
    });
    // Wait for the latest of the exhausted limits.
    throw new ApiError('tooManyAttempts', { retryAfterSeconds: Math.max(...refusals) / 1000 });
  }

  async findCode(requestId: string): Promise<VerificationCode | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.verifications, Key: { pk: keys.code(requestId) }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      requestId,
      phone: String(Item['phone']),
      codeType: Item['codeType'],
      codeHash: String(Item['codeHash']),
      expiresAt: Number(Item['expiresAt']),
      failCount: Number(Item['failCount'] ?? 0),
      redeemed: Item['redeemedAt'] !== undefined,
    };
  }

  async countWrongCode(requestId: string, maxAttempts: number): Promise<number> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tables.verifications,
          Key: { pk: keys.code(requestId) },
          UpdateExpression: 'ADD failCount :one',
          ConditionExpression: 'attribute_exists(pk) AND failCount < :max AND attribute_not_exists(redeemedAt)',
          ExpressionAttributeValues: { ':one': 1, ':max': maxAttempts },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return Number(Attributes?.['failCount']);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw this.deadCodeError(error.Item ? unmarshall(error.Item) : undefined, maxAttempts);
    }
  }

  private deadCodeError(item: Record<string, unknown> | undefined, maxAttempts: number): ApiError {
    if (item && Number(item['failCount'] ?? 0) >= maxAttempts) return new ApiError('tooManyAttempts');
    return new ApiError('wrongCode', { data: { verified: false } });
  }

  async redeemCode(requestId: string, maxAttempts: number, token: CaptchaToken, now: number): Promise<void> {
    const failures = await this.transact([
      {
        Update: {
          TableName: this.tables.verifications,
          Key: { pk: keys.code(requestId) },
          UpdateExpression: 'SET redeemedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND failCount < :max AND attribute_not_exists(redeemedAt) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': now, ':max': maxAttempts },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: this.tables.verifications,
          Item: {
            pk: keys.token(token.tokenHash),
            phone: token.phone,
            codeType: token.codeType,
            expiresAt: token.expiresAt,
            ttl: ttlFor(token.expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    const codeFailure = failures.find((f) => f.index === 0);
    if (codeFailure) {
      if (codeFailure.item && Number(codeFailure.item['expiresAt']) <= now) throw new ApiError('tokenExpired');
      throw this.deadCodeError(codeFailure.item, maxAttempts);
    }
    if (failures.length > 0) throw new Error('captcha token collision'); // 192 random bits: never
  }

  async registerUser(input: { tokenHash: string; codeType: string; user: User; session: Session; now: number }): Promise<void> {
    const { tokenHash, codeType, user, session, now } = input;
    const failures = await this.transact([
      {
        Update: {
          TableName: this.tables.verifications,
          Key: { pk: keys.token(tokenHash) },
          UpdateExpression: 'SET usedAt = :now, usedBy = :userId',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(usedAt) AND phone = :phone AND codeType = :codeType AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': now, ':userId': user.userId, ':phone': user.phone, ':codeType': codeType },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: this.tables.users,
          Item: { pk: keys.phone(user.phone), userId: user.userId, createdAt: user.createdAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tables.users,
          Item: {
            pk: keys.user(user.userId),
            phone: user.phone,
            firstname: user.firstname,
            surname: user.surname,
            email: user.email,
            passwordHash: user.passwordHash,
            createdAt: user.createdAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tables.sessions,
          Item: {
            pk: keys.session(session.sessionId),
            userId: session.userId,
            refreshHash: session.refreshHash,
            createdAt: session.createdAt,
            expiresAt: session.expiresAt,
            ttl: epochSeconds(session.expiresAt),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (failures.length === 0) return;
    // The token is judged first: without a valid token nobody learns whether a phone is taken.
    const token = failures.find((f) => f.index === 0);
    if (token) {
      const item = token.item;
      const genuine = item && item['usedAt'] === undefined && item['phone'] === user.phone && item['codeType'] === codeType;
      throw new ApiError(genuine && Number(item['expiresAt']) <= now ? 'tokenExpired' : 'tokenInvalid');
    }
    if (failures.some((f) => f.index === 1)) throw new ApiError('phoneTaken');
    throw new Error('user or session id collision');
  }
}
