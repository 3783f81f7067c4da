// What the DynamoDB stores share: item keys, expiry, the transaction runner, and the write items
// that more than one operation uses (a quota, a token spend, a new session).
import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config';
import type { Quota, Session, StoredToken, TokenRefused, TokenSpend } from '../../domain/records';
import { CONFLICT_REASON } from '../errors';

export type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
export type TransactItem = TransactItems[number];
export type Tables = Config['tables'];
export type Item = Record<string, unknown>;

export const keys = {
  code: (requestId: string) => `CODE#${requestId}`,
  token: (tokenHash: string) => `TOKEN#${tokenHash}`,
  phone: (phone: string) => `PHONE#${phone}`,
  user: (userId: string) => `USER#${userId}`,
  session: (sessionId: string) => `SESSION#${sessionId}`,
  refresh: (refreshHash: string) => `REFRESH#${refreshHash}`,
  revoked: (sessionId: string) => `REVOKED#${sessionId}`,
  quota: (key: string, windowEnd: number) => `QUOTA#${key}#${windowEnd}`,
  cooldown: (key: string) => `COOLDOWN#${key}`,
};

export const epochSeconds = (ms: number) => Math.ceil(ms / 1000);
// Short-lived items linger a day past their expiry before TTL removes them: long enough to
// answer "expired" rather than "unknown", short enough to keep the tables small.
const LINGER_SECONDS = 24 * 3600;
export const ttlFor = (expiresAtMs: number) => epochSeconds(expiresAtMs) + LINGER_SECONDS;

// Transactions touching the same item concurrently are cancelled with TransactionConflict; the
// conditions make a retry safe, and the retry then sees the winner's write.
const CONFLICT_RETRIES = 10;

/** Item i of a cancelled transaction whose condition failed, with its old item when asked for. */
export interface Failure {
  index: number;
  item: Item | undefined;
}

function conditionFailures(reasons: CancellationReason[] | undefined): Failure[] {
  return (reasons ?? []).flatMap((reason, index) =>
    reason.Code === 'ConditionalCheckFailed' ? [{ index, item: reason.Item ? unmarshall(reason.Item) : undefined }] : [],
  );
}

/**
 * Runs a transaction, retrying conflicts; returns the failed conditions, empty on success. Any
 * other cancellation is thrown: one throttled, or still in conflict after the retries, is a 503
 * (lib/store/errors.ts), anything else a 500.
 */
export async function transact(db: DynamoDBDocumentClient, items: TransactItems): Promise<Failure[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return [];
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const failures = conditionFailures(error.CancellationReasons);
      if (failures.length > 0) return failures;
      const conflicted = error.CancellationReasons?.some((r) => r.Code === CONFLICT_REASON);
      if (!conflicted || attempt >= CONFLICT_RETRIES) throw error;
      await sleep(Math.random() * 10 * attempt);
    }
  }
}

const windowEnd = (quota: Quota, now: number) => {
  const windowMs = quota.windowSeconds * 1000;
  return (Math.floor(now / windowMs) + 1) * windowMs;
};

/** Counts one event against a fixed-window quota; the condition fails once `max` were counted. */
export function quotaSpend(table: string, quota: Quota, now: number): { item: TransactItem; retryAfterMs: number } {
  const end = windowEnd(quota, now);
  return {
    item: {
      Update: {
        TableName: table,
        Key: { pk: keys.quota(quota.key, end) },
        UpdateExpression: 'ADD hits :one SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(hits) OR hits < :max',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':max': quota.max, ':ttl': epochSeconds(end) },
      },
    },
    retryAfterMs: end - now,
  };
}

/** Forgets what a quota counted in its current window. */
export const quotaReset = (table: string, quota: Quota, now: number): TransactItem => ({
  Delete: { TableName: table, Key: { pk: keys.quota(quota.key, windowEnd(quota, now)) } },
});

/**
 * Gives back one event `quotaSpend` counted at `now`, in the same window. The condition fails when
 * nothing is left to give back (the count was reset meanwhile): a refund never adds a try.
 */
export const quotaRefund = (table: string, quota: Quota, now: number): TransactItem => ({
  Update: {
    TableName: table,
    Key: { pk: keys.quota(quota.key, windowEnd(quota, now)) },
    UpdateExpression: 'ADD hits :minusOne',
    ConditionExpression: 'hits > :zero',
    ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
  },
});

/** Marks a captcha token used, on condition that it may be: issued for this phone and scenario, unexpired, unused. */
export const tokenSpend = (table: string, token: TokenSpend, usedBy: string, now: number): TransactItem => ({
  Update: {
    TableName: table,
    Key: { pk: keys.token(token.tokenHash) },
    UpdateExpression: 'SET usedAt = :now, usedBy = :usedBy',
    ConditionExpression:
      'attribute_exists(pk) AND attribute_not_exists(usedAt) AND phone = :phone AND codeType = :codeType AND expiresAt > :now',
    ExpressionAttributeValues: { ':now': now, ':usedBy': usedBy, ':phone': token.phone, ':codeType': token.codeType },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  },
});

/** What a failed token spend found: the token's old item, as the domain reads it. */
export function tokenRefused(old: Item | undefined): TokenRefused {
  if (!old) return { found: undefined };
  const found: StoredToken = {
    phone: String(old['phone']),
    codeType: String(old['codeType']),
    expiresAt: Number(old['expiresAt']),
    usedAt: old['usedAt'] === undefined ? undefined : Number(old['usedAt']),
    usedBy: typeof old['usedBy'] === 'string' ? old['usedBy'] : undefined,
  };
  return { found };
}

/** The session and its first refresh token. */
export const sessionPuts = (table: string, session: Session): TransactItem[] => [
  {
    Put: {
      TableName: table,
      Item: {
        pk: keys.session(session.sessionId),
        userId: session.userId,
        currentRefreshHash: session.refreshHash,
        createdAt: session.createdAt,
        expiresAt: session.expiresAt,
        ttl: epochSeconds(session.expiresAt),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  refreshPut(table, { ...session, now: session.createdAt }),
];

export const refreshPut = (
  table: string,
  refresh: Pick<Session, 'refreshHash' | 'sessionId' | 'userId' | 'expiresAt'> & { now: number },
): TransactItem => ({
  Put: {
    TableName: table,
    Item: {
      pk: keys.refresh(refresh.refreshHash),
      sessionId: refresh.sessionId,
      userId: refresh.userId,
      issuedAt: refresh.now,
      expiresAt: refresh.expiresAt,
      ttl: epochSeconds(refresh.expiresAt),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** A write that could only fail by a random id colliding: an internal error, never a client's. */
export const collision = (what: string) => new Error(`${what} collision`);
