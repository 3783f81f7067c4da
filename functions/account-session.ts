// POST /account/session/{register,login,refresh,end}: the hosted pages' sessions (infra/pages.cjs,
// docs/SECURITY.md "Sessions in the hosted pages"). Register, login and refresh are the API's own
// handlers (their modules, schemas, errors and metrics, docs/API.md §1, §3.1, §3.2); this function
// only moves the session's tokens out of the answer into an HttpOnly cookie, and refreshes from it.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { sessionRoutes } from '../infra/pages.cjs';
import { login as loginEndpoint } from '../lib/api/login';
import { refreshToken as refreshEndpoint } from '../lib/api/refresh-token';
import { register as registerEndpoint } from '../lib/api/register';
import { warmContainer } from '../lib/container';
import { login } from '../lib/domain/login';
import { register } from '../lib/domain/registration';
import { refreshSession } from '../lib/domain/sessions';
import { ApiError } from '../lib/errors';
import { failure, json, NO_STORE, successBody, type HttpResponse } from '../lib/http/envelope';
import { httpEndpoint } from '../lib/http/endpoint';
import { sameOrigin } from '../lib/pages/same-origin';
import { clearedSessionCookie, heldSession, sessionCookie, type HeldSession } from '../lib/pages/session-cookie';
import { localVerifier } from '../lib/tokens/local-verifier';

// One container for the three handlers: they hold the same key (functions/register.ts, login.ts
// and refresh-token.ts wire theirs the same way).
const deps = warmContainer({ keys: 'signing', verifier: localVerifier });
const registerHandler = httpEndpoint(registerEndpoint, {
  deps,
  metric: 'SignUps',
  handle: async ({ body, sourceIp }) => register(await deps(), body, sourceIp),
});
const loginHandler = httpEndpoint(loginEndpoint, { deps, handle: async ({ body, sourceIp }) => login(await deps(), body, sourceIp) });
const refreshHandler = httpEndpoint(refreshEndpoint, {
  handle: async ({ body, headers }) =>
    refreshSession(await deps(), { authorization: headers.authorization, refreshToken: body.refreshToken }),
});

// The local stage is served over plain HTTP (npm start); a browser drops a Secure cookie there.
const SECURE = process.env['STAGE'] !== 'local';

const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

interface SessionData {
  userId?: string;
  userInfo?: { userId?: string };
  sessionInfo?: { accessToken: string; refreshToken?: string };
}

/**
 * A success of register, login or refresh, its refresh token moved into the cookie: the pages get
 * `userId` and the access token only. Any other answer goes back as it came, and a refused refresh
 * also forgets the cookie (the session has ended).
 */
async function keepSession(answer: HttpResponse, knownUserId?: string): Promise<HttpResponse> {
  if (answer.statusCode !== 200) {
    return answer.statusCode === 401 ? { ...answer, cookies: [clearedSessionCookie(SECURE)] } : answer;
  }
  const envelope = JSON.parse(String(answer.body)) as { data: SessionData };
  const { sessionInfo, ...rest } = envelope.data;
  const userId = rest.userId ?? rest.userInfo?.userId ?? knownUserId;
  if (!sessionInfo?.refreshToken || !userId) throw new Error('a session answer without its tokens');
  const { refreshToken, ...forThePage } = sessionInfo;
  const held: HeldSession = { userId, accessToken: sessionInfo.accessToken, refreshToken };
  const { limits } = (await deps()).config;
  return {
    ...answer,
    body: JSON.stringify(successBody({ ...rest, userId, sessionInfo: forThePage })),
    cookies: [sessionCookie(held, { maxAgeSeconds: limits.refreshTokenTtlSeconds, secure: SECURE })],
  };
}

/** A refresh from the cookie: the body and `Authorization` the API's refresh takes, filled from it. */
function refreshFromCookie(event: APIGatewayProxyEventV2, held: HeldSession): APIGatewayProxyEventV2 {
  return {
    ...event,
    headers: { ...event.headers, authorization: held.accessToken, 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: held.refreshToken }),
    isBase64Encoded: false,
  };
}

const signedOut = (): HttpResponse => ({ ...failure(new ApiError('invalidRefreshToken')), cookies: [clearedSessionCookie(SECURE)] });

export async function handler(event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> {
  // SameSite=Strict already keeps the cookie off other sites' requests; this refuses them outright,
  // the ones without the cookie (a login into the attacker's account) included.
  if (!sameOrigin(event.headers)) return failure(new ApiError('accessDenied'));
  switch (event.routeKey) {
    case routeKey(sessionRoutes.register):
      return keepSession(await registerHandler(event, context));
    case routeKey(sessionRoutes.login):
      return keepSession(await loginHandler(event, context));
    case routeKey(sessionRoutes.refresh): {
      const held = heldSession(event.cookies);
      if (!held) return signedOut();
      return keepSession(await refreshHandler(refreshFromCookie(event, held), context), held.userId);
    }
    case routeKey(sessionRoutes.end):
      return { ...json(successBody(undefined), { 'Cache-Control': NO_STORE }), cookies: [clearedSessionCookie(SECURE)] };
  }
  return failure(new ApiError('accessDenied'));
}
