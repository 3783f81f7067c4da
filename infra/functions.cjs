// @ts-check
// serverless.yml's `functions` (`${file(infra/functions.cjs):functions}`): a function per route of
// infra/routes.cjs, the REQUEST authorizer for routes teams add, and the docs function in stages
// whose settings serve API docs (infra/stages.cjs).
'use strict';

const { routes, docsRoutes, DOCS_HANDLER } = require('./routes.cjs');
const { stageSettings } = require('./stages.cjs');

/** @typedef {import('./routes.cjs').Route} Route */

/** @param {Readonly<Route>} route */
const httpApiEvent = (route) => ({ httpApi: { method: route.method, path: route.path } });

/**
 * A stage's functions as serverless.yml declares them: one per route, the authorizer for routes
 * teams add, and the docs function where the stage serves API docs.
 * @param {string} stage
 * @returns {Record<string, { handler: string; events?: object[] }>}
 */
function functionsFor(stage) {
  /** @type {Record<string, { handler: string; events?: object[] }>} */
  const declared = {};
  for (const [name, route] of Object.entries(routes)) {
    declared[name] = { handler: route.handler, events: [httpApiEvent(route)] };
  }
  declared.authorizer = { handler: 'functions/authorizer.handler' };
  if (stageSettings(stage).apiDocs) {
    declared.docs = { handler: DOCS_HANDLER, events: Object.values(docsRoutes).map(httpApiEvent) };
  }
  return declared;
}

/**
 * serverless.yml `functions` (a variable resolver, like infra/stages.cjs).
 * @param {import('./stages.cjs').VariableResolver} serverless
 */
async function functions({ resolveVariable }) {
  return functionsFor(await resolveVariable('sls:stage'));
}

module.exports = { functions, functionsFor };
