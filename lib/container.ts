// What a request needs, built once per container: configuration, the storage client, the keys the
// function holds and, in the function that sends codes, the SMS sender. Loading starts at init (so
// the first request does not pay for it in sequence) and handlers await the same promise. AWS
// clients are traced where tracing is on.
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
import { NO_HUMAN_CHECK, type HumanCheck } from './challenge/human-check';
import { loadCodeKey, type CodeKey } from './tokens/code-key';
import { loadPublicKeys } from './tokens/public-keys';
import { loadSigningKey, type PublicJwk, type SigningKey } from './tokens/signing-key';
import type { AccessTokenVerifier, VerifierOptions } from './tokens/verifier';

export interface Deps {
  config: Config;
  verifications: VerificationStore;
  accounts: AccountStore;
  sessions: SessionStore;
  sms: SmsSender;
  /** Signs access tokens; held only by the functions that sign. */
  signingKey: SigningKey;
  /** Every public key verifiers accept (the JWKS), the signing key first. */
  publicKeys: PublicJwk[];
  /** The HMAC key of stored SMS codes; held only by the functions that send or check codes. */
  codeKey: CodeKey;
  /** Checks access tokens against the published keys and this service's revocations. */
  verifyAccessToken: AccessTokenVerifier;
  /** The human check before a code is sent (SEND_CODE_CHALLENGE); held only by the function that sends codes. */
  humanCheck: HumanCheck;
  /** Epoch milliseconds; injectable so tests can move time. */
  now: () => number;
}

export type DepsProvider = () => Promise<Deps>;

/**
 * The keys a function holds, one per purpose (docs/SECURITY.md), matching what its role may read
 * (infra/roles.cjs): `signing` the signing key (it verifies with that key set's public parts too),
 * `verifying` the public keys only, `codes` the code key only, `none` no key at all (a password
 * reset: it neither signs nor verifies a token).
 */
export type KeyNeed = 'signing' | 'verifying' | 'codes' | 'none';

/** What only some functions need, passed in by them so the others' bundles leave it out. */
export interface DepsParts {
  /** The SMS sender (lib/sms/create.ts); without it, sending fails. */
  sms?: (config: Config) => SmsSender;
  /** The keys it holds; every key when not said (in-process tools that serve every function). */
  keys?: KeyNeed | readonly KeyNeed[];
  /** The access-token verifier (lib/tokens/local-verifier.ts); without it, every token is refused. */
  verifier?: (keys: PublicJwk[], options: Omit<VerifierOptions, 'keys'>) => AccessTokenVerifier;
  /** The human check (lib/challenge/create.ts); without it, none (a send refuses to run when SEND_CODE_CHALLENGE is on). */
  humanCheck?: (config: Config) => Promise<HumanCheck>;
}

const NO_SMS: SmsSender = {
  send: () => Promise.reject(new Error('this function was built without an SMS sender')),
};

const NO_VERIFIER: AccessTokenVerifier = () => Promise.reject(new Error('this function was built without a token verifier'));

/** Stands in for a key the function does not hold: any use of it is a bug, and says which. */
function notHeld(what: string): never {
  return new Proxy({} as never, {
    get(_target, property) {
      // Promise resolution and inspection look for these; nothing else may read the key.
      if (typeof property === 'symbol' || property === 'then' || property === 'toJSON') return undefined;
      throw new Error(`this function holds no ${what} (lib/container.ts, KeyNeed)`);
    },
  });
}

interface Keys {
  signingKey: SigningKey;
  publicKeys: PublicJwk[];
  codeKey: CodeKey;
}

async function loadKeys(config: Config, need: KeyNeed | readonly KeyNeed[] | undefined): Promise<Keys> {
  const all = need === undefined;
  const needs = new Set<KeyNeed>(typeof need === 'string' ? [need] : need);
  const [signing, codeKey, verifying] = await Promise.all([
    all || needs.has('signing') ? loadSigningKey(config) : undefined,
    all || needs.has('codes') ? loadCodeKey(config) : notHeld('code key'),
    needs.has('verifying') && !needs.has('signing') ? loadPublicKeys(config) : undefined,
  ]);
  return {
    signingKey: signing ?? notHeld('signing key'),
    publicKeys: verifying ?? signing?.publishedKeys ?? [],
    codeKey,
  };
}

export async function createDeps(config: Config = getConfig(), parts: DepsParts = {}): Promise<Deps> {
  // Read while the storage client is built; awaited below, where a failure rejects createDeps.
  const keys = loadKeys(config, parts.keys);
  keys.catch(() => undefined);
  const humanCheck = parts.humanCheck ? parts.humanCheck(config) : Promise.resolve(NO_HUMAN_CHECK);
  humanCheck.catch(() => undefined);
  const db = createDocumentClient(config, await traced(createDynamoClient(config)));
  const sms = parts.sms ? parts.sms(config) : NO_SMS;
  const sessions = new DynamoSessionStore(db, config.tables);
  const { signingKey, publicKeys, codeKey } = await keys;
  const check = await humanCheck;
  return {
    config,
    verifications: new DynamoVerificationStore(db, config.tables),
    accounts: new DynamoAccountStore(db, config.tables),
    sessions,
    sms,
    signingKey,
    publicKeys,
    codeKey,
    verifyAccessToken: parts.verifier ? parts.verifier(publicKeys, { jwt: config.jwt, revocations: sessions }) : NO_VERIFIER,
    humanCheck: check,
    now: Date.now,
  };
}

/** The container's dependencies, loading from init on (lib/warm.ts). */
export const warmContainer = (parts: DepsParts = {}): DepsProvider =>
  // Configuration is read inside createDeps: a bad setting rejects, it never throws at init.
  warm(() => createDeps(undefined, parts));
