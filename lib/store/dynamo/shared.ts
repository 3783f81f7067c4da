// What the DynamoDB stores share: item keys, expiry, the transaction runner, and the write items
// that more than one operation uses (a quota, a token spend, a new session).
import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config';
import type { Quota, Session, StoredToken, StoredUser, TokenRefused, TokenSpend } from '../../domain/records';
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
  quota: (key: string, windowEnd: number) => `QUOTA#${key}#${windowEnd}`,
  cooldown: (key: string) => `COOLDOWN#${key}`,
};

export const epochSeconds = (ms: number) => Math.ceil(ms / 1000);
// Short-lived items linger a day past their expiry before TTL removes them: long enough to
// answer "expired" rather than "unknown", short enough to keep the tables small.
const LINGER_SECONDS = 24 * 3600;
export const ttlFor = (expiresAtMs: number) => epochSeconds(expiresAtMs) + LINGER_SECONDS;

// Transactions touching the same item concurrently are cancelled with TransactionConflict; the
// conditions make a retry safe, and the retry then sees the winner's write. The waits grow
// exponentially with full jitter (capped), so a crowd on one item spreads out instead of
// colliding again in step; all of them together stay well inside a function's timeout.
// Every session opened writes its user's item, so a crowd of logins (or retries) of one user meets
// there: up to about 4 s of waits in all, inside the 10 s function timeout.
const CONFLICT_RETRIES = 14;
const CONFLICT_WAIT_MS = { base: 5, cap: 500 };
const conflictWait = (attempt: number) => Math.random() * Math.min(CONFLICT_WAIT_MS.cap, CONFLICT_WAIT_MS.base * 2 ** attempt);

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
      await sleep(conflictWait(attempt));
    }
  }
}

export const windowEnd = (quota: Quota, now: number) => {
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
    ConditionExpression: SPENDABLE,
    ExpressionAttributeValues: { ':now': now, ':usedBy': usedBy, ':phone': token.phone, ':codeType': token.codeType },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  },
});

// A captcha token may be spent once, for the phone and scenario it was issued for, while it lives.
const SPENDABLE = 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND phone = :phone AND codeType = :codeType AND expiresAt > :now';

/**
 * Spends a captcha token that no retry will ask about again (a login, a password reset), on the
 * same conditions as `tokenSpend`, and drops its phone: a token spent so names no one, and nothing
 * of a deleted user is left in it (docs/adr/0020-what-names-a-user.md). Presented again, it is as
 * invalid as any spent token.
 */
export const anonymousTokenSpend = (table: string, token: TokenSpend, now: number): TransactItem => ({
  Update: {
    TableName: table,
    Key: { pk: keys.token(token.tokenHash) },
    UpdateExpression: 'SET usedAt = :now REMOVE phone',
    ConditionExpression: SPENDABLE,
    ExpressionAttributeValues: { ':now': now, ':phone': token.phone, ':codeType': token.codeType },
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
        endsAt: session.endsAt,
        ttl: epochSeconds(session.expiresAt),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  refreshPut(table, { ...session, now: session.createdAt }),
];

// A refresh token's item names its session only, not the user: once the session item is gone
// (ended, its user deleted), what is left of the chain identifies nobody.
export const refreshPut = (
  table: string,
  refresh: Pick<Session, 'refreshHash' | 'sessionId' | 'expiresAt' | 'endsAt'> & { now: number },
): TransactItem => ({
  Put: {
    TableName: table,
    Item: {
      pk: keys.refresh(refresh.refreshHash),
      sessionId: refresh.sessionId,
      issuedAt: refresh.now,
      expiresAt: refresh.expiresAt,
      endsAt: refresh.endsAt,
      ttl: epochSeconds(refresh.expiresAt),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** Deletes of session items: each ends its session for the verifiers and for refresh at once. */
export const sessionDeletes = (table: string, sessionIds: Iterable<string>): TransactItem[] =>
  [...sessionIds].map((sessionId) => ({ Delete: { TableName: table, Key: { pk: keys.session(sessionId) } } }));

/**
 * What ending every session of `user` but `keep` writes: the deletes of their items, and the
 * session index left (`kept`) for the user item's update, which must be conditioned on `rev`
 * (`userUnchanged`) so that a session opened after the read is never missed.
 */
export function sessionEndings(table: string, user: StoredUser, keep?: string): { deletes: TransactItem[]; kept: Record<string, number> } {
  const index = user.sessions ?? {};
  const kept: Record<string, number> = {};
  if (keep !== undefined && index[keep] !== undefined) kept[keep] = index[keep];
  return {
    deletes: sessionDeletes(
      table,
      Object.keys(index).filter((id) => id !== keep),
    ),
    kept,
  };
}

/** The condition of a write over a read user: it is still there, as read (`:rev` is `user.rev`). */
export const userUnchanged = (user: Pick<StoredUser, 'rev'>) =>
  // A user stored before the counter has none: read as 0, and still none when unchanged.
  user.rev === 0 ? 'attribute_exists(pk) AND (attribute_not_exists(rev) OR rev = :rev)' : 'attribute_exists(pk) AND rev = :rev';

/**
 * Adds a new session to its user's index (and drops the ones it pushes out), on condition that the
 * user is still as read: there, with the phone and password hash the flow checked.
 */
export function sessionIndexAdd(table: string, user: StoredUser, session: Session, ending: readonly string[]): TransactItem {
  const names: Record<string, string> = { '#sessions': 'sessions' };
  const values: Record<string, unknown> = { ':one': 1, ':phone': user.phone, ':hash': user.passwordHash };
  let set: string;
  if (user.sessions === undefined) {
    // Stored before the index: the index starts with this session (a path into a missing map is refused).
    set = 'SET #sessions = :index';
    values[':index'] = { [session.sessionId]: session.endsAt };
  } else {
    names['#new'] = session.sessionId;
    values[':end'] = session.endsAt;
    set = 'SET #sessions.#new = :end';
  }
  const removes = user.sessions === undefined ? [] : ending.map((id, i) => ((names[`#end${i}`] = id), `#sessions.#end${i}`));
  return {
    Update: {
      TableName: table,
      Key: { pk: keys.user(session.userId) },
      UpdateExpression: `${set}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD rev :one`,
      ConditionExpression: 'phone = :phone AND passwordHash = :hash',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** A write that could only fail by a random id colliding: an internal error, never a client's. */
export const collision = (what: string) => new Error(`${what} collision`);
