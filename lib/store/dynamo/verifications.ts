// SMS codes and the captcha tokens they buy (verifications table), and the send limits (rate-limits table).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CaptchaToken, Limited, Quota } from '../../domain/records';
import type { CodeRefused, Cooldown, VerificationCode, VerificationStore } from '../../domain/verification-store';
import { collision, epochSeconds, keys, quotaSpend, transact, ttlFor, type Item, type Tables, type TransactItem } from './shared';

const cooldownEnd = (cooldown: Cooldown, now: number) => now + cooldown.seconds * 1000;

export class DynamoVerificationStore implements VerificationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Tables,
  ) {}

  async saveCode(code: VerificationCode, spend: { quotas: Quota[]; cooldown?: Cooldown; now: number }): Promise<{ kind: 'ok' } | Limited> {
    const { now, cooldown, quotas } = spend;
    // Each limit written, with how long its refusal would last.
    const limits: Array<{ item: TransactItem; retryAfterMs: (old?: Item) => number }> = [];
    if (cooldown) {
      const until = cooldownEnd(cooldown, now);
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
      const { item, retryAfterMs } = quotaSpend(this.tables.rateLimits, quota, now);
      limits.push({ item, retryAfterMs: () => retryAfterMs });
    }
    const failures = await transact(this.db, [
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
    if (failures.length === 0) return { kind: 'ok' };
    const waitsMs = failures.map(({ index, item }) => {
      const limit = limits[index];
      if (!limit) throw collision('request id');
      return limit.retryAfterMs(item);
    });
    return { kind: 'limited', waitsMs };
  }

  async releaseCooldown(cooldown: Cooldown, now: number): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tables.rateLimits,
          Key: { pk: keys.cooldown(cooldown.key) },
          // A later send's cooldown is not this one to lift.
          ConditionExpression: '#until = :until',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':until': cooldownEnd(cooldown, now) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async findCode(requestId: string): Promise<VerificationCode | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.verifications, Key: { pk: keys.code(requestId) }, ConsistentRead: true }),
    );
    return Item && codeFrom(requestId, Item);
  }

  async countWrongCode(requestId: string, maxAttempts: number): Promise<{ kind: 'ok'; failCount: number } | CodeRefused> {
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
      return { kind: 'ok', failCount: Number(Attributes?.['failCount']) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { kind: 'refused', found: error.Item && codeFrom(requestId, unmarshall(error.Item)) };
    }
  }

  async redeemCode(requestId: string, maxAttempts: number, token: CaptchaToken, now: number): Promise<{ kind: 'ok' } | CodeRefused> {
    const failures = await transact(this.db, redemptionItems(this.tables.verifications, { requestId, maxAttempts, token, now }));
    if (failures.length === 0) return { kind: 'ok' };
    const codeFailure = failures.find((f) => f.index === 0);
    if (!codeFailure) throw collision('captcha token');
    return { kind: 'refused', found: codeFailure.item && codeFrom(requestId, codeFailure.item) };
  }
}

function codeFrom(requestId: string, item: Item): VerificationCode {
  return {
    requestId,
    phone: String(item['phone']),
    codeType: item['codeType'] as VerificationCode['codeType'],
    codeHash: String(item['codeHash']),
    expiresAt: Number(item['expiresAt']),
    failCount: Number(item['failCount'] ?? 0),
    redeemed: item['redeemedAt'] !== undefined,
  };
}

/**
 * One code redemption: the code is marked redeemed (if it can still be: attempts left, unexpired,
 * not redeemed) and the captcha token it buys is stored.
 */
function redemptionItems(
  table: string,
  input: { requestId: string; maxAttempts: number; token: CaptchaToken; now: number },
): TransactItem[] {
  const { requestId, maxAttempts, token, now } = input;
  return [
    {
      Update: {
        TableName: table,
        Key: { pk: keys.code(requestId) },
        // The phone goes on to the token: a redeemed code keeps nothing that names its holder (docs/adr/0015).
        UpdateExpression: 'SET redeemedAt = :now REMOVE phone',
        ConditionExpression: 'attribute_exists(pk) AND failCount < :max AND attribute_not_exists(redeemedAt) AND expiresAt > :now',
        ExpressionAttributeValues: { ':now': now, ':max': maxAttempts },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    {
      Put: {
        TableName: table,
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
  ];
}
