// Sessions, their refresh tokens (by hash) and the revocations verifiers check (sessions table).
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RefreshRecord, RefreshRotation, RotationRefused, SessionState, SessionStore } from '../../domain/session-store';
import { epochSeconds, keys, refreshPut, transact, type Item, type Tables, type TransactItem } from './shared';

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
      userId: String(item['userId']),
      expiresAt: Number(item['expiresAt']),
      rotatedAt: item['rotatedAt'] === undefined ? undefined : Number(item['rotatedAt']),
    };
  }

  async findSession(sessionId: string): Promise<SessionState | undefined> {
    const item = await this.get(keys.session(sessionId));
    if (!item) return undefined;
    return {
      userId: String(item['userId']),
      currentRefreshHash: String(item['currentRefreshHash']),
      expiresAt: Number(item['expiresAt']),
      revoked: item['revokedAt'] !== undefined,
    };
  }

  async rotateRefresh(input: RefreshRotation): Promise<{ kind: 'ok' } | RotationRefused> {
    const failures = await transact(this.db, rotationItems(this.tables.sessions, input));
    if (failures.length === 0) return { kind: 'ok' };
    const session = failures.find((f) => f.index === 0)?.item;
    return { kind: 'refused', sessionRevoked: session?.['revokedAt'] !== undefined };
  }

  async revokeSession(sessionId: string, now: number, accessTokenTtlSeconds: number): Promise<void> {
    // A session that no longer exists has no live tokens left: nothing to do then.
    // Kept as long as an access token of the session can live; after that nothing needs refusing.
    const until = now + accessTokenTtlSeconds * 1000;
    await transact(this.db, [
      {
        Update: {
          TableName: this.tables.sessions,
          Key: { pk: keys.session(sessionId) },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now },
        },
      },
      {
        Put: {
          TableName: this.tables.sessions,
          Item: { pk: keys.revoked(sessionId), revokedAt: now, ttl: epochSeconds(until) },
        },
      },
    ]);
  }

  async isSessionRevoked(sessionId: string): Promise<boolean> {
    return (await this.get(keys.revoked(sessionId))) !== undefined;
  }

  private async get(pk: string): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.sessions, Key: { pk }, ConsistentRead: true }));
    return Item;
  }
}

/**
 * One refresh-token rotation: the session moves to the new hash (unless revoked or moved on), the
 * old token is marked rotated, the new one is stored.
 */
function rotationItems(table: string, input: RefreshRotation): TransactItem[] {
  const { sessionId, userId, oldHash, newHash, expiresAt, now } = input;
  return [
    {
      Update: {
        TableName: table,
        Key: { pk: keys.session(sessionId) },
        UpdateExpression: 'SET currentRefreshHash = :new, expiresAt = :exp, #ttl = :ttl',
        ConditionExpression: 'currentRefreshHash = :old AND attribute_not_exists(revokedAt)',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':new': newHash, ':old': oldHash, ':exp': expiresAt, ':ttl': epochSeconds(expiresAt) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
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
    refreshPut(table, { refreshHash: newHash, sessionId, userId, expiresAt, now }),
  ];
}
