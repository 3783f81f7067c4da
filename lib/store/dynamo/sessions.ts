// Sessions and their refresh tokens (by hash) in the sessions table; the user's session index in
// the users table. Ending a session deletes its item: that is what verifiers and refresh read.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredUser } from '../../domain/records';
import type { RefreshRecord, RefreshRotation, RotationRefused, SessionState, SessionStore } from '../../domain/session-store';
import { readUser } from './accounts';
import {
  epochSeconds,
  keys,
  refreshPut,
  sessionDeletes,
  sessionEndings,
  transact,
  userUnchanged,
  type Item,
  type Tables,
  type TransactItem,
} from './shared';

// Ending every session retries over sessions opened meanwhile; past this many rounds the user is
// opening sessions faster than they can be ended, which is a storage-busy answer, not a loop.
const END_SESSIONS_ROUNDS = 5;

const optionalNumber = (value: unknown) => (value === undefined ? undefined : Number(value));

export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Tables,
  ) {}

  async findRefresh(refreshHash: string): Promise<RefreshRecord | undefined> {
    const item = await this.get(keys.refresh(refreshHash));
    if (!item) return undefined;
    return {
      sessionId: String(item['sessionId']),
      expiresAt: Number(item['expiresAt']),
      endsAt: optionalNumber(item['endsAt']),
      rotatedAt: optionalNumber(item['rotatedAt']),
    };
  }

  async findSession(sessionId: string): Promise<SessionState | undefined> {
    const item = await this.get(keys.session(sessionId));
    // A session item marked revoked is one ended before ending deleted the item.
    if (!item || item['revokedAt'] !== undefined) return undefined;
    return {
      userId: String(item['userId']),
      currentRefreshHash: String(item['currentRefreshHash']),
      expiresAt: Number(item['expiresAt']),
      endsAt: optionalNumber(item['endsAt']),
    };
  }

  async rotateRefresh(input: RefreshRotation): Promise<{ kind: 'ok' } | RotationRefused> {
    const failures = await transact(this.db, rotationItems(this.tables.sessions, input));
    return failures.length === 0 ? { kind: 'ok' } : { kind: 'refused' };
  }

  async endSession({ sessionId, userId }: { sessionId: string; userId: string }): Promise<void> {
    const end = sessionDeletes(this.tables.sessions, [sessionId]);
    const unindexed = await transact(this.db, [
      ...end,
      {
        Update: {
          TableName: this.tables.users,
          Key: { pk: keys.user(userId) },
          UpdateExpression: 'REMOVE #sessions.#id',
          // Never recreate a deleted user; a user stored before the index has none to remove from.
          ConditionExpression: 'attribute_exists(pk) AND attribute_exists(#sessions)',
          ExpressionAttributeNames: { '#sessions': 'sessions', '#id': sessionId },
        },
      },
    ]);
    // The user or its index is gone: the session is not indexed, and its item is deleted alone.
    if (unindexed.length > 0) await transact(this.db, end);
  }

  async endSessions({ userId, keep }: { userId: string; keep?: string }): Promise<void> {
    for (let round = 1; ; round++) {
      const user = await readUser(this.db, this.tables, userId);
      if (!user) return; // deleted: its deletion ended every session
      const failures = await transact(this.db, endSessionsItems(this.tables, user, keep));
      if (failures.length === 0) return;
      if (round >= END_SESSIONS_ROUNDS) throw new Error('sessions kept changing while being ended');
    }
  }

  async isSessionLive({ sessionId, userId, now }: { sessionId: string; userId: string; now: number }): Promise<boolean> {
    const session = await this.findSession(sessionId);
    return session !== undefined && session.userId === userId && (session.endsAt === undefined || session.endsAt > now);
  }

  private async get(pk: string): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.sessions, Key: { pk }, ConsistentRead: true }));
    return Item;
  }
}

/** Ends every session of `user` but `keep`: their items deleted, the index cut down, on condition that it is as read. */
function endSessionsItems(tables: Tables, user: StoredUser, keep: string | undefined): TransactItem[] {
  const { deletes, kept } = sessionEndings(tables.sessions, user, keep);
  return [
    ...deletes,
    {
      Update: {
        TableName: tables.users,
        Key: { pk: keys.user(user.userId) },
        UpdateExpression: 'SET #sessions = :kept ADD rev :one',
        ConditionExpression: userUnchanged(user),
        ExpressionAttributeNames: { '#sessions': 'sessions' },
        ExpressionAttributeValues: { ':kept': kept, ':one': 1, ':rev': user.rev },
      },
    },
  ];
}

/**
 * One refresh-token rotation: the session moves to the new hash (unless it ended, moved on, or is
 * another user's), the old token is marked rotated, the new one is stored.
 */
function rotationItems(table: string, input: RefreshRotation): TransactItem[] {
  const { sessionId, userId, oldHash, newHash, expiresAt, endsAt, now } = input;
  return [
    {
      Update: {
        TableName: table,
        Key: { pk: keys.session(sessionId) },
        UpdateExpression: 'SET currentRefreshHash = :new, expiresAt = :exp, #ttl = :ttl',
        ConditionExpression: 'currentRefreshHash = :old AND userId = :user AND attribute_not_exists(revokedAt)',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':new': newHash,
          ':old': oldHash,
          ':user': userId,
          ':exp': expiresAt,
          ':ttl': epochSeconds(expiresAt),
        },
      },
    },
    {
      Update: {
        TableName: table,
        Key: { pk: keys.refresh(oldHash) },
        UpdateExpression: 'SET rotatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(rotatedAt)',
        ExpressionAttributeValues: { ':now': now },
      },
    },
    refreshPut(table, { refreshHash: newHash, sessionId, expiresAt, endsAt, now }),
  ];
}
