// What a request needs, built once per container: configuration, the storage client, the signing
// key and, in the function that sends codes, the SMS sender. Loading starts at init (so the first
// request does not pay for it in sequence) and handlers await the same promise. AWS clients are
// traced where tracing is on.
import { getConfig, type Config } from './config';
import { warm } from './warm';
import { traced } from './observability/tracer';
import { createDocumentClient, createDynamoClient } from './store/client';
import { DynamoAccountStore } from './store/dynamo/accounts';
import { DynamoSessionStore } from './store/dynamo/sessions';
import { DynamoVerificationStore } from './store/dynamo/verifications';
import type { AccountStore } from './domain/account-store';
import type { SessionStore } from './domain/session-store';
import type { VerificationStore } from './domain/verification-store';
import type { SmsSender } from './sms/sender';
import { loadSigningKey, type SigningKey } from './tokens/signing-key';
import { createVerifier, type AccessTokenVerifier } from './tokens/verifier';
import { createLocalJWKSet } from 'jose';

export interface Deps {
  config: Config;
  verifications: VerificationStore;
  accounts: AccountStore;
  sessions: SessionStore;
  sms: SmsSender;
  signingKey: SigningKey;
  /** Checks access tokens against the published keys and this service's revocations. */
  verifyAccessToken: AccessTokenVerifier;
  /** Epoch milliseconds; injectable so tests can move time. */
  now: () => number;
}

export type DepsProvider = () => Promise<Deps>;

/** What only some functions need, passed in by them so the others' bundles leave it out. */
export interface DepsParts {
  /** The SMS sender (lib/sms/create.ts); without it, sending fails. */
  sms?: (config: Config) => SmsSender;
}

const NO_SMS: SmsSender = {
  send: () => Promise.reject(new Error('this function was built without an SMS sender')),
};

export async function createDeps(config: Config = getConfig(), parts: DepsParts = {}): Promise<Deps> {
  const db = createDocumentClient(config, await traced(createDynamoClient(config)));
  const sms = parts.sms ? parts.sms(config) : NO_SMS;
  const sessions = new DynamoSessionStore(db, config.tables);
  const signingKey = await loadSigningKey(config);
  return {
    config,
    verifications: new DynamoVerificationStore(db, config.tables),
    accounts: new DynamoAccountStore(db, config.tables),
    sessions,
    sms,
    signingKey,
    verifyAccessToken: createVerifier({
      keys: createLocalJWKSet({ keys: signingKey.publishedKeys }),
      jwt: config.jwt,
      revocations: sessions,
    }),
    now: Date.now,
  };
}

/** The container's dependencies, loading from init on (lib/warm.ts). */
export const warmContainer = (parts: DepsParts = {}): DepsProvider =>
  // Configuration is read inside createDeps: a bad setting rejects, it never throws at init.
  warm(() => createDeps(undefined, parts));
