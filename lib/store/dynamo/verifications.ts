// SMS codes and the captcha tokens they buy (verifications table), and the send limits (rate-limits table).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaptchaToken, Limited, Quota } from '../../domain/records';
import type {
  CodeRefused,
  Cooldown,
  SendLimited,
  SendQuota,
  SendScope,
  VerificationCode,
  VerificationStore,
} from '../../domain/verification-store';
import {
  collision,
  epochSeconds,
  keys,
  quotaSpend,
  transact,
  ttlFor,
  windowEnd,
  type Item,
  type Tables,
  type TransactItem,
} from './shared';

const cooldownEnd = (cooldown: Cooldown, now: number) => now + cooldown.seconds * 1000;

// A send that found its shards of a budget full tries others: at most this many transactions.
export const SEND_ATTEMPTS = 3;

/** One limit of a send's transaction: its item, what it limits, how long its refusal lasts. */
interface SendLimit {
  item: TransactItem;
  scope: SendScope;
  retryAfterMs: (old?: Item) => number;
  /** For a shard of a sharded quota: its item's key and window end, to remember it full. */
  shard?: { pk: string; end: number };
}

/**
 * The shards of the sharded quotas this container has seen full. Within a window a count only
 * grows, so a full shard stays full until its window ends: sends skip it, and once every shard of
 * a quota is full they are refused without a round trip (docs/adr/0016-sharded-sms-budgets.md).
 */
export class ShardPicker {
  private readonly full = new Map<string, number>();

  /** A random shard not known full, as the quota its item counts; undefined when all are. */
  pick(quota: SendQuota, now: number): { quota: Quota; pk: string; end: number } | undefined {
    const count = Math.max(1, Math.min(quota.shards ?? 1, quota.max));
    const end = windowEnd(quota, now);
    const open: number[] = [];
    for (let i = 0; i < count; i++) if (!this.full.has(keys.quota(`${quota.key}#${i}`, end))) open.push(i);
    const shard = open[Math.floor(Math.random() * open.length)];
    if (shard === undefined) return undefined;
    // The shares add up to `max` exactly: the first `max % count` shards take one more.
    const share = Math.floor(quota.max / count) + (shard < quota.max % count ? 1 : 0);
    const key = `${quota.key}#${shard}`;
    return { quota: { key, max: share, windowSeconds: quota.windowSeconds }, pk: keys.quota(key, end), end };
  }

  markFull(pk: string, end: number, now: number): void {
    for (const [known, knownEnd] of this.full) if (knownEnd <= now) this.full.delete(known);
    this.full.set(pk, end);
  }
}

export class DynamoVerificationStore implements VerificationStore {
  private readonly shards = new ShardPicker();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Tables,
  ) {}

  async saveCode(
    code: VerificationCode,
    spend: { quotas: SendQuota[]; cooldown?: Cooldown; now: number },
  ): Promise<{ kind: 'ok' } | SendLimited> {
    const { now } = spend;
    for (let attempt = 1; ; attempt++) {
      const limits = this.sendLimits(spend);
      if (limits.kind === 'limited') return limits;
      const failures = await transact(this.db, [...limits.items.map((l) => l.item), this.codePut(code)]);
      if (failures.length === 0) return { kind: 'ok' };
      const refused = failures.map(({ index, item }) => {
        const limit = limits.items[index];
        if (!limit) throw collision('request id');
        if (limit.shard) this.shards.markFull(limit.shard.pk, limit.shard.end, now);
        return { limit, waitMs: limit.retryAfterMs(item) };
      });
      // Only shards were full: others of the same quotas may still have room.
      if (refused.every((r) => r.limit.shard) && attempt < SEND_ATTEMPTS) continue;
      return { kind: 'limited', waitsMs: refused.map((r) => r.waitMs), scopes: refused.map((r) => r.limit.scope) };
    }
  }

  /** The items of a send's limits, a fresh shard for each sharded quota; `limited` when one has none left. */
  private sendLimits(spend: {
    quotas: SendQuota[];
    cooldown?: Cooldown;
    now: number;
  }): { kind: 'items'; items: SendLimit[] } | SendLimited {
    const { now, cooldown, quotas } = spend;
    const items: SendLimit[] = [];
    if (cooldown) {
      const until = cooldownEnd(cooldown, now);
      items.push({
        scope: 'cooldown',
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
    const spentOut: SendQuota[] = [];
    for (const quota of quotas) {
      if (quota.checkOnly) {
        items.push({ scope: quota.scope, item: this.quotaCheck(quota, now), retryAfterMs: () => windowEnd(quota, now) - now });
        continue;
      }
      if ((quota.shards ?? 1) <= 1) {
        const { item, retryAfterMs } = quotaSpend(this.tables.rateLimits, quota, now);
        items.push({ scope: quota.scope, item, retryAfterMs: () => retryAfterMs });
        continue;
      }
      const shard = this.shards.pick(quota, now);
      if (!shard) {
        spentOut.push(quota);
        continue;
      }
      const { item, retryAfterMs } = quotaSpend(this.tables.rateLimits, shard.quota, now);
      items.push({ scope: quota.scope, item, retryAfterMs: () => retryAfterMs, shard: { pk: shard.pk, end: shard.end } });
    }
    if (spentOut.length > 0) {
      return { kind: 'limited', waitsMs: spentOut.map((q) => windowEnd(q, now) - now), scopes: spentOut.map((q) => q.scope) };
    }
    return { kind: 'items', items };
  }

  /** Holds while fewer than `max` were counted in the quota's window; counts nothing. */
  private quotaCheck(quota: Quota, now: number): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.tables.rateLimits,
        Key: { pk: keys.quota(quota.key, windowEnd(quota, now)) },
        ConditionExpression: 'attribute_not_exists(hits) OR hits < :max',
        ExpressionAttributeValues: { ':max': quota.max },
      },
    };
  }

  private codePut(code: VerificationCode): TransactItem {
    return {
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
    };
  }

  async isPhoneClaimed(phone: string): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.users, Key: { pk: keys.phone(phone) }, ConsistentRead: true, ProjectionExpression: 'pk' }),
    );
    return Item !== undefined;
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

  async countWrongCode(
    requestId: string,
    guess: { maxAttempts: number; seen: number; failures: Quota; now: number },
  ): Promise<{ kind: 'ok'; failCount: number } | CodeRefused | Limited> {
    const { maxAttempts, failures, now } = guess;
    const phoneFailure = quotaSpend(this.tables.rateLimits, failures, now);
    // The count the caller read is the condition: a guess that lost a race to another is counted
    // again on the count it found, so that each answer's failCount is its own.
    for (let seen = guess.seen; seen < maxAttempts;) {
      const refused = await transact(this.db, [
        {
          Update: {
            TableName: this.tables.verifications,
            Key: { pk: keys.code(requestId) },
            UpdateExpression: 'ADD failCount :one',
            ConditionExpression: 'attribute_exists(pk) AND failCount = :seen AND failCount < :max AND attribute_not_exists(redeemedAt)',
            ExpressionAttributeValues: { ':one': 1, ':seen': seen, ':max': maxAttempts },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        phoneFailure.item,
      ]);
      if (refused.length === 0) return { kind: 'ok', failCount: seen + 1 };
      if (refused.some((f) => f.index === 1)) return { kind: 'limited', waitsMs: [phoneFailure.retryAfterMs] };
      const found = refused[0]?.item && codeFrom(requestId, refused[0].item);
      if (!found || found.redeemed || found.failCount <= seen || found.failCount >= maxAttempts) return { kind: 'refused', found };
      seen = found.failCount;
    }
    // Asked with a count that takes no more guesses: the code as it is.
    return { kind: 'refused', found: await this.findCode(requestId) };
  }

  async redeemCode(
    requestId: string,
    redemption: { maxAttempts: number; token: CaptchaToken; failures: Quota; now: number },
  ): Promise<{ kind: 'ok' } | CodeRefused | Limited> {
    const { failures, now } = redemption;
    const refused = await transact(this.db, [
      ...redemptionItems(this.tables.verifications, { requestId, ...redemption }),
      this.quotaCheck(failures, now),
    ]);
    if (refused.length === 0) return { kind: 'ok' };
    if (refused.some((f) => f.index === 2)) return { kind: 'limited', waitsMs: [windowEnd(failures, now) - now] };
    const codeFailure = refused.find((f) => f.index === 0);
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
        // The phone goes on to the token: a redeemed code keeps nothing that names its holder (docs/adr/0020).
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
