// Users, the phone claims that keep phones unique (users table), and the writes that open a session.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  AccountStore,
  PasswordChange,
  PasswordReset,
  PasswordResetRefused,
  PhoneChange,
  PhoneChangeRefused,
  ProfileChanges,
  Registration,
  RegistrationRefused,
  SessionOpening,
  TokenLoginRefused,
  UserChanged,
} from '../../domain/account-store';
import type { Limited, Quota, StoredToken, StoredUser, TokenSpend, User } from '../../domain/records';
import {
  anonymousTokenSpend,
  collision,
  keys,
  quotaRefund,
  quotaReset,
  quotaSpend,
  sessionDeletes,
  sessionEndings,
  sessionIndexAdd,
  sessionPuts,
  tokenRefused,
  tokenSpend,
  transact,
  userUnchanged,
  type Item,
  type Tables,
  type TransactItem,
} from './shared';

// A reset or a deletion retries over a user that changed between its read and its write (a
// session opened, the profile updated). Each lost round means another write of the user went
// through in the few milliseconds between a read and a write; past this many the user is changing
// faster than it can be written over, which is a failure (500), not a loop.
const ACCOUNT_WRITE_ROUNDS = 10;

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
        Item: {
          pk: keys.user(user.userId),
          ...userAttributes(user),
          sessions: { [session.sessionId]: session.endsAt },
          rev: 0,
          registeredWith: token.tokenHash,
        },
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

  async findUserByPhone(phone: string): Promise<StoredUser | undefined> {
    const claim = await this.get(keys.phone(phone));
    // No claim: still one user read, of an id no user has (user ids are digits), one per phone so
    // that a flood of unknown phones has no single hot item to throttle.
    const user = await this.findUser(claim ? String(claim['userId']) : `unregistered#${phone}`);
    return claim ? user : undefined;
  }

  findUser(userId: string): Promise<StoredUser | undefined> {
    return readUser(this.db, this.tables, userId);
  }

  async updateProfile({
    userId,
    changes,
    now,
  }: {
    userId: string;
    changes: ProfileChanges;
    now: number;
  }): Promise<{ kind: 'ok' } | { kind: 'gone' }> {
    // A field given as undefined is one left out (the type allows it), not one to clear.
    const fields = Object.entries(changes as Record<string, string | undefined>).filter(([, value]) => value !== undefined);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':updatedAt': now, ':one': 1 };
    const sets = fields.map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tables.users,
          Key: { pk: keys.user(userId) },
          // An update of a user deleted meanwhile must not write a fresh item of a few attributes.
          ConditionExpression: 'attribute_exists(pk)',
          // `rev` counts every change of the user: a deletion or phone change conditioned on the
          // value it read fails on a concurrent update (docs/adr/0014-session-index-on-the-user.md).
          UpdateExpression: `SET ${[...sets, 'updatedAt = :updatedAt'].join(', ')} ADD rev :one`,
          ...(fields.length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        }),
      );
      return { kind: 'ok' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { kind: 'gone' };
    }
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

  async openSession(input: SessionOpening): Promise<{ kind: 'ok' } | UserChanged> {
    const failures = await transact(this.db, openingItems(this.tables, input));
    if (failures.length === 0) return { kind: 'ok' };
    if (!failures.some((f) => f.index === 0)) throw collision('session id');
    return { kind: 'userChanged' };
  }

  async openSessionWithToken(
    input: Omit<SessionOpening, 'user'> & { user: StoredUser | undefined; token: TokenSpend },
  ): Promise<{ kind: 'ok' } | TokenLoginRefused> {
    const { session, now, token, user } = input;
    const failures = await transact(this.db, [
      anonymousTokenSpend(this.tables.verifications, token, now),
      {
        // The token's phone must be this user's, still.
        ConditionCheck: {
          TableName: this.tables.users,
          Key: { pk: keys.phone(token.phone) },
          ConditionExpression: 'userId = :userId',
          ExpressionAttributeValues: { ':userId': session.userId },
        },
      },
      ...(user
        ? openingItems(this.tables, { ...input, user })
        : // No user to open it for: a condition that cannot hold, so the token is judged and nothing written.
          [
            {
              ConditionCheck: {
                TableName: this.tables.users,
                Key: { pk: keys.user(session.userId) },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ]),
    ]);
    if (failures.length === 0) return { kind: 'ok' };
    const spent = failures.find((f) => f.index === 0);
    const notTheirs = failures.some((f) => f.index === 1);
    const userChanged = failures.some((f) => f.index === 2);
    if (!spent && !notTheirs && !userChanged) throw collision('session id');
    return { kind: 'refused', token: spent && tokenRefused(spent.item), notTheirs, userChanged };
  }

  async changePassword(input: PasswordChange): Promise<{ kind: 'ok' } | UserChanged> {
    const failures = await transact(this.db, passwordChangeItems(this.tables, input));
    return failures.length === 0 ? { kind: 'ok' } : { kind: 'userChanged' };
  }

  async changePhone(input: PhoneChange): Promise<{ kind: 'ok' } | PhoneChangeRefused> {
    const failures = await transact(this.db, phoneChangeItems(this.tables, input));
    if (failures.length === 0) return { kind: 'ok' };
    const token = failures.find((f) => f.index === 0);
    const phoneTaken = failures.some((f) => f.index === 1);
    const userChanged = failures.some((f) => f.index === 2 || f.index === 3);
    return { kind: 'refused', token: token && tokenRefused(token.item), phoneTaken, userChanged };
  }

  async findCaptchaToken(tokenHash: string): Promise<StoredToken | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tables.verifications, Key: { pk: keys.token(tokenHash) }, ConsistentRead: true }),
    );
    return tokenRefused(Item).found;
  }

  async resetPassword(input: PasswordReset): Promise<{ kind: 'ok' } | PasswordResetRefused> {
    let user = input.user;
    for (let round = 1; ; round++) {
      const failures = await transact(this.db, resetItems(this.tables, { ...input, user }));
      if (failures.length === 0) return { kind: 'ok' };
      const spent = failures.find((f) => f.index === 0);
      if (spent) return { kind: 'refused', token: tokenRefused(spent.item), noAccount: false };
      // Only the user item's condition is left: it changed since it was read. Whoever holds the phone now is the one to reset.
      const current = await this.findUserByPhone(input.token.phone);
      if (!current) return { kind: 'refused', token: undefined, noAccount: true };
      if (round >= ACCOUNT_WRITE_ROUNDS) throw new Error('the user kept changing while its password was reset');
      user = current;
    }
  }

  async deleteUser({ userId }: { userId: string }): Promise<{ kind: 'ok'; user: StoredUser } | { kind: 'gone' }> {
    for (let round = 1; ; round++) {
      const user = await readUser(this.db, this.tables, userId);
      if (!user) return { kind: 'gone' };
      const failures = await transact(this.db, deletionItems(this.tables, user));
      if (failures.length === 0) return { kind: 'ok', user };
      // Claims and users change together (registration, a phone change): a claim of another user on
      // this user's phone is a broken invariant, never something a retry mends.
      if (failures.some((f) => f.index === 1)) throw new Error("the user's phone is claimed by another user");
      if (round >= ACCOUNT_WRITE_ROUNDS) throw new Error('the user kept changing while being deleted');
    }
  }

  private async get(pk: string): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.users, Key: { pk }, ConsistentRead: true }));
    return Item;
  }
}

/**
 * The user item's update of a credential change (docs/API.md §6): `set` written, the session index
 * cut down to the kept session, on condition that the user is as read (`rev`) with the phone and
 * password hash the flow checked.
 */
function credentialUpdate(
  table: string,
  user: StoredUser,
  kept: Record<string, number>,
  set: { expression: string; names?: Record<string, string>; values: Record<string, unknown> },
): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: { pk: keys.user(user.userId) },
      UpdateExpression: `SET ${set.expression}, #sessions = :kept ADD rev :one`,
      ConditionExpression: `${userUnchanged(user)} AND phone = :checkedPhone AND passwordHash = :checkedHash`,
      ExpressionAttributeNames: { '#sessions': 'sessions', ...set.names },
      ExpressionAttributeValues: {
        ...set.values,
        ':kept': kept,
        ':one': 1,
        ':rev': user.rev,
        ':checkedPhone': user.phone,
        ':checkedHash': user.passwordHash,
      },
    },
  };
}

/** A password change's transaction: the user item (item 0), then the deletes of the other sessions. */
function passwordChangeItems(tables: Tables, { user, passwordHash, keep }: PasswordChange): TransactItem[] {
  const { deletes, kept } = sessionEndings(tables.sessions, user, keep);
  return [
    credentialUpdate(tables.users, user, kept, { expression: 'passwordHash = :hash', values: { ':hash': passwordHash } }),
    ...deletes,
  ];
}

/**
 * A phone change's transaction: the token spent (item 0), the new phone claimed (item 1), the old
 * one's claim released (item 2, on condition that it is this user's), the user moved (item 3), and
 * the other sessions ended. Refused as a whole, it leaves the token usable and both claims as they were.
 */
function phoneChangeItems(tables: Tables, { user, newPhone, token, keep, now }: PhoneChange): TransactItem[] {
  const spend = tokenSpend(tables.verifications, token, user.userId, now);
  if (newPhone === user.phone) {
    // Nothing to move: a claim condition that cannot hold, so that nothing is written and the
    // refusal says what the token is (a retry of this user's own change, or the number taken).
    const claimed = { TableName: tables.users, Key: { pk: keys.phone(newPhone) }, ConditionExpression: 'attribute_not_exists(pk)' };
    return [spend, { ConditionCheck: claimed }];
  }
  const { deletes, kept } = sessionEndings(tables.sessions, user, keep);
  return [
    spend,
    {
      Put: {
        TableName: tables.users,
        Item: { pk: keys.phone(newPhone), userId: user.userId, createdAt: now },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Delete: {
        TableName: tables.users,
        Key: { pk: keys.phone(user.phone) },
        ConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': user.userId },
      },
    },
    // The user keeps the key of the token that moved it, so that its deletion erases that token too;
    // the previous change's token, which named the user for a retry long over, goes now.
    credentialUpdate(tables.users, user, kept, {
      expression: 'phone = :phone, phoneChangedWith = :token',
      values: { ':phone': newPhone, ':token': token.tokenHash },
    }),
    ...deletes,
    ...spentTokenDeletes(tables, [user.phoneChangedWith]),
  ];
}

/**
 * One reset's transaction: the token spent (item 0), the password hash replaced and the session
 * index emptied on condition that the user is as read (item 1), every indexed session deleted, the
 * counters cleared.
 */
function resetItems(tables: Tables, { user, token, passwordHash, clears, now }: PasswordReset): TransactItem[] {
  const { deletes, kept } = sessionEndings(tables.sessions, user);
  return [
    anonymousTokenSpend(tables.verifications, token, now),
    {
      Update: {
        TableName: tables.users,
        Key: { pk: keys.user(user.userId) },
        UpdateExpression: 'SET passwordHash = :hash, #sessions = :kept ADD rev :one',
        ConditionExpression: `${userUnchanged(user)} AND phone = :phone`,
        ExpressionAttributeNames: { '#sessions': 'sessions' },
        ExpressionAttributeValues: { ':hash': passwordHash, ':kept': kept, ':one': 1, ':rev': user.rev, ':phone': token.phone },
      },
    },
    ...deletes,
    ...clears.map((quota) => quotaReset(tables.rateLimits, quota, now)),
  ];
}

/**
 * One deletion's transaction: the user item on condition that it is as read (item 0), its phone
 * claim unless another user's (item 1), every indexed session, and the token the registration
 * spent (the one verification item that names the user; docs/adr/0020-what-names-a-user.md).
 */
function deletionItems(tables: Tables, user: StoredUser): TransactItem[] {
  const { deletes } = sessionEndings(tables.sessions, user);
  return [
    {
      Delete: {
        TableName: tables.users,
        Key: { pk: keys.user(user.userId) },
        ConditionExpression: userUnchanged(user),
        ExpressionAttributeValues: { ':rev': user.rev },
      },
    },
    {
      Delete: {
        TableName: tables.users,
        Key: { pk: keys.phone(user.phone) },
        ConditionExpression: 'attribute_not_exists(pk) OR userId = :userId',
        ExpressionAttributeValues: { ':userId': user.userId },
      },
    },
    ...deletes,
    ...spentTokenDeletes(tables, [user.registeredWith, user.phoneChangedWith]),
  ];
}

/** Deletes of the spent captcha tokens that name a user (docs/adr/0020): its registration's, its latest phone change's. */
function spentTokenDeletes(tables: Tables, tokenHashes: ReadonlyArray<string | undefined>): TransactItem[] {
  return tokenHashes
    .filter((hash): hash is string => hash !== undefined)
    .map((hash) => ({ Delete: { TableName: tables.verifications, Key: { pk: keys.token(hash) } } }));
}

/**
 * A session's opening: the user's index gains it (item 0, on condition that the user is as read),
 * the session and its first refresh token are stored, and the sessions it pushes out end.
 */
function openingItems(tables: Tables, { session, user, ending }: SessionOpening): TransactItem[] {
  return [
    sessionIndexAdd(tables.users, user, session, ending),
    ...sessionPuts(tables.sessions, session),
    ...sessionDeletes(tables.sessions, ending),
  ];
}

/** The user item, as the flows read it (consistently: a write may follow on what it says). */
export async function readUser(db: DynamoDBDocumentClient, tables: Tables, userId: string): Promise<StoredUser | undefined> {
  const { Item: item } = await db.send(new GetCommand({ TableName: tables.users, Key: { pk: keys.user(userId) }, ConsistentRead: true }));
  if (!item) return undefined;
  return {
    userId,
    phone: String(item['phone']),
    firstname: String(item['firstname']),
    surname: typeof item['surname'] === 'string' ? item['surname'] : '',
    email: typeof item['email'] === 'string' ? item['email'] : '',
    passwordHash: String(item['passwordHash']),
    createdAt: Number(item['createdAt']),
    sessions: isIndex(item['sessions']) ? item['sessions'] : undefined,
    rev: typeof item['rev'] === 'number' ? item['rev'] : 0,
    registeredWith: typeof item['registeredWith'] === 'string' ? item['registeredWith'] : undefined,
    phoneChangedWith: typeof item['phoneChangedWith'] === 'string' ? item['phoneChangedWith'] : undefined,
  };
}

const isIndex = (value: unknown): value is Record<string, number> => typeof value === 'object' && value !== null && !Array.isArray(value);

function userAttributes(user: User): Item {
  const { userId: _key, ...attributes } = user;
  return attributes;
}
