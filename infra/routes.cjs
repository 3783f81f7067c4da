// @ts-check
// The service's HTTP routes, as serverless.yml declares its functions from them (infra/functions.cjs)
// and the typed client calls them. The API routes are generated from the endpoint modules
// (lib/api/, `npm run generate` writes ./routes.json): plain data in plain CommonJS, so the
// Serverless CLI loads it as is and an app bundling the client gets nothing else with it.
'use strict';

/**
 * @typedef {object} Route
 * @property {'GET' | 'POST' | 'PUT' | 'DELETE'} method
 * @property {string} path
 * @property {string} handler  `<file without .ts>.handler`, as serverless.yml names it
 */

/** @typedef {keyof typeof import('./routes.json')} RouteName */

// JSON types its methods as any string; the generator wrote them from the modules' HttpMethod.
const routes = Object.freeze(/** @type {Record<RouteName, Readonly<Route>>} */ (/** @type {unknown} */ (require('./routes.json'))));

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
