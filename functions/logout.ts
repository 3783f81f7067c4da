// POST /koodrive/ose/v1/auth/logout — SPEC §3.3.
import { warmContainer, type DepsProvider } from '../lib/container';
import { endSession } from '../lib/domain/sessions';
import { httpEndpoint } from '../lib/http/endpoint';
import { ENDPOINTS } from '../lib/endpoints';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint({
    ...ENDPOINTS.logout,
    handle: async ({ body, headers }) =>
      endSession(await deps(), { authorization: headers.authorization, userId: body.userId, bodyToken: body.accessToken }),
  });

export const handler = createHandler(warmContainer());
