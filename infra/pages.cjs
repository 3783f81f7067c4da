// @ts-check
// The hosted account pages (README, "Hosted pages"; docs/adr/0021): the routes of their two
// functions. Not API routes, so neither in infra/routes.json nor in the OpenAPI document: the
// pages are HTML and files, the session routes a cookie-keeping front of register, login and
// refresh for those pages only (docs/SECURITY.md, "Sessions in the hosted pages").
'use strict';

/** @typedef {import('./routes.cjs').Route} Route */

/** Where the pages live; every page route and the session cookie's Path are under it. */
const PAGES_MOUNT = '/account';

const PAGES_HANDLER = 'functions/account-pages.handler';
const SESSION_HANDLER = 'functions/account-session.handler';

/** The pages and their files: prebuilt, answered by a function that reads no table and no key. */
const pageRoutes = Object.freeze({
  entry: Object.freeze({ method: 'GET', path: PAGES_MOUNT, handler: PAGES_HANDLER }),
  page: Object.freeze({ method: 'GET', path: `${PAGES_MOUNT}/{proxy+}`, handler: PAGES_HANDLER }),
});

/**
 * The pages' session routes: register, login and refresh as the API answers them, except that the
 * refresh token goes into an HttpOnly cookie instead of the answer; `end` forgets the cookie.
 * `mirrors` names the API route whose handler answers (and whose throttle applies, infra/edge.cjs).
 * @type {Readonly<Record<'register' | 'login' | 'refresh' | 'end', Readonly<Route & { mirrors?: 'register' | 'login' | 'refreshToken' }>>>}
 */
const sessionRoutes = Object.freeze({
  register: Object.freeze({ method: 'POST', path: `${PAGES_MOUNT}/session/register`, handler: SESSION_HANDLER, mirrors: 'register' }),
  login: Object.freeze({ method: 'POST', path: `${PAGES_MOUNT}/session/login`, handler: SESSION_HANDLER, mirrors: 'login' }),
  refresh: Object.freeze({ method: 'POST', path: `${PAGES_MOUNT}/session/refresh`, handler: SESSION_HANDLER, mirrors: 'refreshToken' }),
  end: Object.freeze({ method: 'POST', path: `${PAGES_MOUNT}/session/end`, handler: SESSION_HANDLER }),
});

module.exports = { PAGES_MOUNT, PAGES_HANDLER, SESSION_HANDLER, pageRoutes, sessionRoutes };
