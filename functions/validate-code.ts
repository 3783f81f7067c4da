// POST /koodrive/ose/verify/code/validate — SPEC §2.2.
import { warmContainer, type DepsProvider } from '../lib/container';
import { validateCode } from '../lib/domain/verification';
import { httpEndpoint } from '../lib/http/endpoint';
import { ENDPOINTS } from '../lib/endpoints';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint({ ...ENDPOINTS.validateCode, handle: async ({ body }) => validateCode(await deps(), body) });

export const handler = createHandler(warmContainer());
