// POST /koodrive/ose/verify/code/send — its facts: lib/api/send-code.ts.
import { sendCode as endpoint } from '../lib/api/send-code';
import { warmContainer, type DepsProvider } from '../lib/container';
import { sendCode } from '../lib/domain/verification';
import { httpEndpoint } from '../lib/http/endpoint';
import { createSmsSender } from '../lib/sms/create';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint(endpoint, { metric: 'CodesSent', handle: async ({ body, sourceIp }) => sendCode(await deps(), body, sourceIp) });

export const handler = createHandler(warmContainer({ keys: 'codes', sms: createSmsSender }));
