// POST /koodrive/ose/v1/auth/refreshToken — SPEC §3.2.
import { warmContainer, type DepsProvider } from '../lib/container';
import { refreshSession } from '../lib/domain/sessions';
import { httpEndpoint } from '../lib/http/endpoint';
import { ENDPOINTS } from '../lib/endpoints';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint({
    ...ENDPOINTS.refreshToken,
    handle: async ({ body, headers }) =>
      refreshSession(await deps(), { authorization: headers.authorization, refreshToken: body.refreshToken }),
  });

export const handler = createHandler(warmContainer());
