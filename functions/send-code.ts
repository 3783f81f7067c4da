// POST /koodrive/ose/verify/code/send — SPEC §2.1.
import { warmContainer, type DepsProvider } from '../lib/container';
import { createSmsSender } from '../lib/sms/create';
import { sendCode } from '../lib/domain/verification';
import { httpEndpoint } from '../lib/http/endpoint';
import { ENDPOINTS } from '../lib/endpoints';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint({
    ...ENDPOINTS.sendCode,
    metric: 'CodesSent',
    handle: async ({ body, sourceIp }) => sendCode(await deps(), body, sourceIp),
  });

export const handler = createHandler(warmContainer({ sms: createSmsSender }));
