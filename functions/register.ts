// POST /koodrive/ose/v1/user/register — SPEC §1.
import { warmContainer, type DepsProvider } from '../lib/container';
import { register } from '../lib/domain/registration';
import { httpEndpoint } from '../lib/http/endpoint';
import { registerSchema } from '../lib/schemas';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint({ schema: registerSchema, metric: 'SignUps', handle: async ({ body }) => register(await deps(), body) });

export const handler = createHandler(warmContainer());
