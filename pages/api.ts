// The pages' two ways to the service, both the typed client (client/): the API itself for every
// call but three, and the pages' session routes (infra/pages.cjs) for register, login and refresh,
// which answer as the API does except that the refresh token stays in an HttpOnly cookie the
// service sets: no script here ever sees it (docs/SECURITY.md, "Sessions in the hosted pages").
import { createClient, KooDriveError, type KooDriveClient, type SessionInfo } from '../client';
import { routes } from '../infra/routes.cjs';
import { PAGES_MOUNT, sessionRoutes } from '../infra/pages.cjs';
import { PAGES, type PageName } from '../lib/pages/site';

/** `x-hw-agentName` of the pages (docs/API.md §0); a deployment with AGENT_NAMES lists it. */
export const AGENT_NAME = 'koodrive-account-pages';

const prefix = document.body.dataset['prefix'] ?? '';
const base = `${location.origin}${prefix}`;

export const api: KooDriveClient = createClient({ baseUrl: base, agentName: AGENT_NAME });

const SESSION_PATHS: Readonly<Record<string, string>> = {
  [base + routes.register.path]: base + sessionRoutes.register.path,
  [base + routes.login.path]: base + sessionRoutes.login.path,
  [base + routes.refreshToken.path]: base + sessionRoutes.refresh.path,
};

/** register, login and refreshToken through the session routes; the cookie goes with them (same origin). */
const sessionClient: KooDriveClient = createClient({
  baseUrl: base,
  agentName: AGENT_NAME,
  fetch: (url, init) => {
    const to = SESSION_PATHS[url];
    if (to === undefined) throw new Error(`not a session route: ${url}`);
    return fetch(to, { ...init, credentials: 'same-origin' });
  },
});

/** A session as the pages hold it: the access token, in this page's memory only. */
export interface PageSession {
  userId: string;
  accessToken: string;
}

const held = (userId: string, info: Omit<SessionInfo, 'refreshToken'>): PageSession => ({ userId, accessToken: info.accessToken });

export const signUp = async (request: Parameters<KooDriveClient['register']>[0]): Promise<PageSession> => {
  const { userId, sessionInfo } = await sessionClient.register(request);
  return held(userId, sessionInfo);
};

export const logIn = async (request: Parameters<KooDriveClient['login']>[0]): Promise<PageSession> => {
  const { userInfo, sessionInfo } = await sessionClient.login(request);
  return held(userInfo.userId, sessionInfo);
};

/** The session the cookie holds, with a fresh access token; undefined when there is none (signed out). */
export async function resume(): Promise<PageSession | undefined> {
  try {
    // The route reads both tokens from the cookie: the ones given here are not sent anywhere.
    const answer = (await sessionClient.refreshToken({ accessToken: '', refreshToken: '' })) as unknown as {
      userId: string;
      sessionInfo: SessionInfo;
    };
    return held(answer.userId, answer.sessionInfo);
  } catch (error) {
    if (error instanceof KooDriveError && error.status === 401) return undefined;
    throw error;
  }
}

/** Has the service forget the cookie (after a logout or a deletion ended the session itself). */
export async function forget(): Promise<void> {
  await fetch(`${base}${sessionRoutes.end.path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-hw-agentName': AGENT_NAME },
  });
}

/** Where a page is (`/account/login`), under the base path the pages were served at. */
export const pageUrl = (page: PageName): string => `${prefix}${PAGES_MOUNT}${PAGES[page] === '' ? '' : `/${PAGES[page]}`}`;
