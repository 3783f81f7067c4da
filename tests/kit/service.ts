// The service in this process: dependencies built as a function's container builds them
// (createDeps), from the stack's environment with a run's own settings on top, every function's
// handler on them, and the typed client on those handlers (tests/kit/in-process-fetch.ts).
import { createClient, type ClientOptions, type KooDriveClient } from '../../client';
import { createDeps, type Deps, type DepsProvider } from '../../lib/container';
import { localVerifier } from '../../lib/tokens/local-verifier';
import { createHumanCheck } from '../../lib/challenge/create';
import { createSmsSender } from '../../lib/sms/create';
import { createHandlers, type Handlers } from './handlers';
import { capturingSender, codeFromOutbox, type CodeOf, type Minter } from './codes';
import { configWith } from './env';
import { inProcessFetch } from './in-process-fetch';

export interface ServiceOptions {
  /** Settings on top of the stack's environment. */
  env?: Record<string, string>;
  /** A clock of the caller's own, in epoch milliseconds. */
  now?: () => number;
  /**
   * Where codes go: `outbox` (default), the configured sender (locally the outbox file, read by
   * codeFromOutbox); `captured`, kept in memory by the process that sent them.
   */
  sms?: 'outbox' | 'captured';
}

/** Dependencies as a container has them, and where the codes they send can be read. */
export interface ServiceDeps {
  deps: Deps;
  codeOf: CodeOf;
}

export async function serviceDeps(options: ServiceOptions = {}): Promise<ServiceDeps> {
  const captured = options.sms === 'captured' ? capturingSender() : undefined;
  const deps = await createDeps(configWith(options.env), {
    sms: captured ? () => captured.sender : createSmsSender,
    verifier: localVerifier,
    humanCheck: createHumanCheck,
  });
  return { deps: options.now ? { ...deps, now: options.now } : deps, codeOf: captured?.codeOf ?? codeFromOutbox };
}

/** The typed client on `handlers`, in this process. */
export function inProcessClient(handlers: Omit<Handlers, 'authorizer'>, options: Partial<ClientOptions> = {}): KooDriveClient {
  return createClient({
    baseUrl: 'http://in-process',
    agentName: 'test-agent',
    ...options,
    fetch: options.fetch ?? inProcessFetch(handlers),
  });
}

export interface InProcessService extends ServiceDeps, Minter {
  provider: DepsProvider;
  handlers: Handlers;
}

/** Every function's handler on `built`, and a client on them that mints codes and tokens. */
export function onDeps(built: ServiceDeps): InProcessService {
  const provider: DepsProvider = () => Promise.resolve(built.deps);
  const handlers = createHandlers(provider);
  return { ...built, provider, handlers, client: inProcessClient(handlers) };
}

export const inProcessService = async (options: ServiceOptions = {}): Promise<InProcessService> => onDeps(await serviceDeps(options));
