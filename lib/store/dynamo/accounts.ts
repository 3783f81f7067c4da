// Users, the phone claims that keep phones unique (users table), and the writes that open a session.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountStore, Registration, RegistrationRefused, TokenLoginRefused } from '../../domain/account-store';
import type { Limited, Quota, Session, TokenSpend, User } from '../../domain/records';
import {
  collision,
  keys,
  quotaRefund,
  quotaReset,
  quotaSpend,
  sessionPuts,
  tokenRefused,
  tokenSpend,
  transact,
  type Item,
  type Tables,
  type TransactItem,
} from './shared';

/**
 * One registration's transaction: the token spent (item 0), the phone claimed (item 1), the user
 * and the session stored.
 */
function registrationItems(tables: Tables, { token, user, session, now }: Registration): TransactItem[] {
  return [
    tokenSpend(tables.verifications, token, user.userId, now),
    {
      Put: {
        TableName: tables.users,
        Item: { pk: keys.phone(user.phone), userId: user.userId, createdAt: user.createdAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: tables.users,
        Item: { pk: keys.user(user.userId), ...userAttributes(user) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...sessionPuts(tables.sessions, session),
  ];
}

export class DynamoAccountStore implements AccountStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: Tables,
  ) {}

  async registerUser(input: Registration): Promise<{ kind: 'ok' } | RegistrationRefused> {
    const failures = await transact(this.db, registrationItems(this.tables, input));
    if (failures.length === 0) return { kind: 'ok' };
    const token = failures.find((f) => f.index === 0);
    const phoneTaken = failures.some((f) => f.index === 1);
    if (!token && !phoneTaken) throw collision('user or session id');
    return { kind: 'refused', token: token && tokenRefused(token.item), phoneTaken };
  }

  async findUserByPhone(phone: string): Promise<User | undefined> {
    const claim = await this.get(keys.phone(phone));
    // No claim: still one user read, of an id no user has (user ids are digits), one per phone so
    // that a flood of unknown phones has no single hot item to throttle.
    const user = await this.findUser(claim ? String(claim['userId']) : `unregistered#${phone}`);
    return claim ? user : undefined;
  }

  async findUser(userId: string): Promise<User | undefined> {
    const item = await this.get(keys.user(userId));
    if (!item) return undefined;
    return {
      userId,
      phone: String(item['phone']),
      firstname: String(item['firstname']),
      surname: typeof item['surname'] === 'string' ? item['surname'] : '',
      email: typeof item['email'] === 'string' ? item['email'] : '',
      passwordHash: String(item['passwordHash']),
      createdAt: Number(item['createdAt']),
    };
  }

  async spendLoginAttempt(quotas: readonly Quota[], now: number): Promise<{ kind: 'ok' } | Limited> {
    // One conditional update per quota, side by side, rather than one transaction: concurrent
    // attempts from one address or at one phone (a spray, a retry storm) then queue on single
    // items, which DynamoDB serialises, instead of cancelling each other's transactions.
    const spends = await Promise.allSettled(quotas.map((quota) => this.spendOne(quota, now)));
    const spent = quotas.filter((_, i) => spends[i]?.status === 'fulfilled' && spends[i].value === undefined);
    if (spent.length === quotas.length) return { kind: 'ok' };
    // All or none: an attempt that is not made keeps nothing of what it spent.
    await Promise.all(spent.map((quota) => this.refundOne(quota, now)));
    const failed = spends.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return { kind: 'limited', waitsMs: spends.flatMap((s) => (s.status === 'fulfilled' && s.value !== undefined ? [s.value] : [])) };
  }

  async returnLoginAttempt({ reset, refund, now }: { reset: readonly Quota[]; refund: readonly Quota[]; now: number }): Promise<void> {
    const deletes = reset.map((quota) => quotaReset(this.tables.rateLimits, quota, now).Delete);
    await Promise.all([
      ...deletes.map((item) => this.db.send(new DeleteCommand(item as ConstructorParameters<typeof DeleteCommand>[0]))),
      ...refund.map((quota) => this.refundOne(quota, now)),
    ]);
  }

  /** Spends one event of the quota: undefined when spent, else how long the quota still holds (ms). */
  private async spendOne(quota: Quota, now: number): Promise<number | undefined> {
    const { item, retryAfterMs } = quotaSpend(this.tables.rateLimits, quota, now);
    try {
      await this.db.send(new UpdateCommand(item.Update as ConstructorParameters<typeof UpdateCommand>[0]));
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return retryAfterMs;
    }
  }

  /** Gives back one event spendOne counted at `now`; nothing when the count was reset meanwhile. */
  private async refundOne(quota: Quota, now: number): Promise<void> {
    const { Update } = quotaRefund(this.tables.rateLimits, quota, now);
    try {
      await this.db.send(new UpdateCommand(Update as ConstructorParameters<typeof UpdateCommand>[0]));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async openSession({ session, now, resetQuota }: { session: Session; now: number; resetQuota?: Quota }): Promise<void> {
    const items = sessionPuts(this.tables.sessions, session);
    if (resetQuota) items.push(quotaReset(this.tables.rateLimits, resetQuota, now));
    if ((await transact(this.db, items)).length > 0) throw collision('session id');
  }

  async openSessionWithToken(input: { session: Session; now: number; token: TokenSpend }): Promise<{ kind: 'ok' } | TokenLoginRefused> {
    const { session, now, token } = input;
    const failures = await transact(this.db, [
      tokenSpend(this.tables.verifications, token, session.userId, now),
      {
        // The token's phone must be this user's, still.
        ConditionCheck: {
          TableName: this.tables.users,
          Key: { pk: keys.phone(token.phone) },
          ConditionExpression: 'userId = :userId',
          ExpressionAttributeValues: { ':userId': session.userId },
        },
      },
      ...sessionPuts(this.tables.sessions, session),
    ]);
    if (failures.length === 0) return { kind: 'ok' };
    const spent = failures.find((f) => f.index === 0);
    const notTheirs = failures.some((f) => f.index === 1);
    if (!spent && !notTheirs) throw collision('session id');
    return { kind: 'refused', token: spent && tokenRefused(spent.item), notTheirs };
  }

  private async get(pk: string): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.users, Key: { pk }, ConsistentRead: true }));
    return Item;
  }
}

function userAttributes(user: User): Item {
  const { userId: _key, ...attributes } = user;
  return attributes;
}
