// The one table of the service's HTTP routes: serverless.yml declares its functions from it
// (infra/functions.cjs), the OpenAPI document and the typed client read the same paths. Plain
// data in plain CommonJS: the Serverless CLI loads it as is, and an app bundling the client gets
// nothing else with it.
'use strict';

/**
 * @typedef {object} Route
 * @property {'GET' | 'POST'} method
 * @property {string} path
 * @property {string} handler  `<file without .ts>.handler`, as serverless.yml names it
 */

/** @type {Readonly<Record<'register' | 'sendCode' | 'validateCode' | 'login' | 'refreshToken' | 'logout' | 'jwks', Readonly<Route>>>} */
const routes = Object.freeze({
  register: { method: 'POST', path: '/koodrive/ose/v1/user/register', handler: 'functions/register.handler' },
  sendCode: { method: 'POST', path: '/koodrive/ose/verify/code/send', handler: 'functions/send-code.handler' },
  validateCode: { method: 'POST', path: '/koodrive/ose/verify/code/validate', handler: 'functions/validate-code.handler' },
  login: { method: 'POST', path: '/koodrive/ose/v1/auth/login', handler: 'functions/login.handler' },
  // Refresh accepts an expired access token (SPEC §3.2), and every SPEC route answers a refused
  // token in the SPEC envelope: they check tokens themselves, not through the authorizer.
  refreshToken: { method: 'POST', path: '/koodrive/ose/v1/auth/refreshToken', handler: 'functions/refresh-token.handler' },
  logout: { method: 'POST', path: '/koodrive/ose/v1/auth/logout', handler: 'functions/logout.handler' },
  jwks: { method: 'GET', path: '/.well-known/jwks.json', handler: 'functions/jwks.handler' },
});

/** The one function that serves the service's description of itself (`docsRoutes`). */
const DOCS_HANDLER = 'functions/docs.handler';

/**
 * The service's description of itself: one function, served only in stages whose `apiDocs` setting
 * is true (infra/stages.cjs). Not part of the API, so not in `routes`.
 * @type {Readonly<Record<'openapi' | 'docs' | 'docsAsset', Readonly<Route>>>}
 */
const docsRoutes = Object.freeze({
  openapi: { method: 'GET', path: '/openapi.json', handler: DOCS_HANDLER },
  docs: { method: 'GET', path: '/docs', handler: DOCS_HANDLER },
  docsAsset: { method: 'GET', path: '/docs/{asset}', handler: DOCS_HANDLER },
});

module.exports = { routes, docsRoutes, DOCS_HANDLER };
