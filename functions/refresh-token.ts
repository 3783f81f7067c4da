// POST /koodrive/ose/v1/auth/refreshToken — SPEC §3.2.
import { warmContainer, type DepsProvider } from '../lib/container';
import { refreshSession } from '../lib/domain/sessions';
import { httpEndpoint } from '../lib/http/endpoint';
import { refreshSchema } from '../lib/schemas';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint({
    schema: refreshSchema,
    handle: async ({ body, headers }) =>
      refreshSession(await deps(), { authorization: headers.authorization, refreshToken: body.refreshToken }),
  });

export const handler = createHandler(warmContainer());
