// The one table of the service's HTTP routes: serverless.yml declares its functions from it
// (`${file(infra/routes.cjs):functions}`), the OpenAPI document and the typed client read the
// same paths. Plain CommonJS so the Serverless CLI can load it as is.
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

/** serverless.yml `functions`: one per route, plus the authorizer for routes teams add. */
function functions() {
  const declared = {};
  for (const [name, route] of Object.entries(routes)) {
    declared[name] = { handler: route.handler, events: [{ httpApi: { method: route.method, path: route.path } }] };
  }
  declared.authorizer = { handler: 'functions/authorizer.handler' };
  return declared;
}

module.exports = { routes, functions: functions() };
