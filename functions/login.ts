// POST /koodrive/ose/v1/auth/login — SPEC §3.1.
import { warmContainer, type DepsProvider } from '../lib/container';
import { login } from '../lib/domain/login';
import { httpEndpoint } from '../lib/http/endpoint';
import { ENDPOINTS } from '../lib/endpoints';

export const createHandler = (deps: DepsProvider) =>
  httpEndpoint({ ...ENDPOINTS.login, handle: async ({ body }) => login(await deps(), body) });

export const handler = createHandler(warmContainer());
