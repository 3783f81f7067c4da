// What a request needs, built once per container: configuration, the storage client, the SMS
// sender and the signing key. Loading starts at init (so the first request does not pay for it
// in sequence) and handlers await the same promise. AWS clients are traced where tracing is on.
import { SNSClient } from '@aws-sdk/client-sns';
import { getConfig, type Config } from './config';
import { traced } from './observability/tracer';
import { createDocumentClient, createDynamoClient } from './store/client';
import { DynamoAccountStore } from './store/dynamo/accounts';
import { DynamoSessionStore } from './store/dynamo/sessions';
import { DynamoVerificationStore } from './store/dynamo/verifications';
import type { AccountStore, SessionStore, VerificationStore } from './store/store';
import { OutboxSmsSender } from './sms/outbox';
import { SnsSmsSender } from './sms/sns';
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

export async function createDeps(config: Config = getConfig()): Promise<Deps> {
  const db = createDocumentClient(config, await traced(createDynamoClient(config)));
  const sms =
    config.sms.sender === 'outbox'
      ? new OutboxSmsSender(config.sms.outboxFile)
      : new SnsSmsSender(await traced(new SNSClient({ region: config.region })));
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

let shared: Promise<Deps> | undefined;

/** The container's dependencies; a failed load is retried by the next request, not cached. */
export const containerDeps: DepsProvider = () => {
  shared ??= createDeps().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
};

/**
 * The container's dependencies, loading from now on: called at init, so the clients and the key
 * are ready before the first request (a failure there is retried by that request).
 */
export function warmContainer(): DepsProvider {
  containerDeps().catch(() => undefined);
  return containerDeps;
}
