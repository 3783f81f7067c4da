// POST /koodrive/ose/v1/user/register — SPEC §1.
import { warmContainer, type DepsProvider } from '../lib/container';
import { register } from '../lib/domain/registration';
import { httpEndpoint } from '../lib/http/endpoint';
import { ENDPOINTS } from '../lib/endpoints';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint({ ...ENDPOINTS.register, metric: 'SignUps', handle: async ({ body }) => register(await deps(), body) });

export const handler = createHandler(warmContainer());
