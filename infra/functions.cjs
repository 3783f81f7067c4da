// @ts-check
// serverless.yml's `functions` (`${file(infra/functions.cjs):functions}`): a function per route of
// infra/routes.cjs, the REQUEST authorizer for routes teams add, the hosted account pages and their
// session routes (infra/pages.cjs), and the docs function in stages whose settings serve API docs
// (infra/stages.cjs).
'use strict';

const { routes, docsRoutes, DOCS_HANDLER } = require('./routes.cjs');
const { stageSettings } = require('./stages.cjs');
const { pageRoutes, sessionRoutes, PAGES_HANDLER, SESSION_HANDLER } = require('./pages.cjs');

/** @typedef {import('./routes.cjs').Route} Route */

/** @param {Readonly<Route>} route */
const httpApiEvent = (route) => ({ httpApi: { method: route.method, path: route.path } });

/**
 * How serverless names a function in logical ids: `send-code` → `SendDashcode`, `login` → `Login`
 * (its naming rules; `<that>LambdaFunction` is the function, `<that>LogGroup` its log group).
 * @param {string} name
 */
const normalizedName = (name) => `${name.charAt(0).toUpperCase()}${name.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}`;

/** The logical id of a function's AWS::Lambda::Function. @param {string} name */
const lambdaLogicalId = (name) => `${normalizedName(name)}LambdaFunction`;

/** The logical id of a function's own IAM role (infra/roles.cjs). @param {string} name */
const roleLogicalId = (name) => `${normalizedName(name)}IamRole`;

/**
 * @typedef {{ handler: string; events?: object[]; role: string; memorySize?: number; reservedConcurrency?: number }} DeclaredFunction
 */

// Lambda gives CPU in proportion to memory, one vCPU at 1,769 MB. The functions that hash or compare
// a password spend most of their time in bcrypt, single-threaded: at the default 1,024 MB (0.58
// vCPU) it takes about 1.7 times as long, for about the same GB-seconds. The others wait on DynamoDB
// (docs/adr/0011). The pages' session routes run the same registrations and logins; a password
// change compares the old password and hashes the new one. tests/template.test.ts reads which
// packaged functions ship bcrypt and checks this list against them.
const BCRYPT_BOUND = Object.freeze(
  /** @type {const} */ (['register', 'login', 'accountSession', 'passwordModify', 'phoneModify', 'passwordReset']),
);
/** @typedef {(typeof BCRYPT_BOUND)[number]} BcryptBound */
const ONE_VCPU_MB = 1769;

/** @type {Readonly<Record<string, number>>} */
const memorySizes = Object.freeze(Object.fromEntries(BCRYPT_BOUND.map((name) => [name, ONE_VCPU_MB])));

/**
 * A stage's functions as serverless.yml declares them: one per route, the authorizer for routes
 * teams add, the account pages and their session routes, and the docs function where the stage
 * serves API docs.
 * Each runs under its own role (infra/roles.cjs).
 * @param {string} stage
 * @returns {Record<string, DeclaredFunction>}
 */
function functionsFor(stage) {
  /** @type {Record<string, Omit<DeclaredFunction, 'role'>>} */
  const declared = {};
  for (const [name, route] of Object.entries(routes)) {
    declared[name] = { handler: route.handler, events: [httpApiEvent(route)] };
  }
  declared.authorizer = { handler: 'functions/authorizer.handler' };
  declared.accountPages = { handler: PAGES_HANDLER, events: Object.values(pageRoutes).map(httpApiEvent) };
  declared.accountSession = { handler: SESSION_HANDLER, events: Object.values(sessionRoutes).map(httpApiEvent) };
  if (stageSettings(stage).apiDocs) {
    declared.docs = { handler: DOCS_HANDLER, events: Object.values(docsRoutes).map(httpApiEvent) };
  }
  const { reservedConcurrency } = stageSettings(stage);
  return Object.fromEntries(
    Object.entries(declared).map(([name, fn]) => {
      const reserved = reservedConcurrency[/** @type {keyof typeof reservedConcurrency} */ (name)];
      return [
        name,
        {
          ...fn,
          role: roleLogicalId(name),
          ...(memorySizes[name] ? { memorySize: memorySizes[name] } : {}),
          ...(reserved ? { reservedConcurrency: reserved } : {}),
        },
      ];
    }),
  );
}

/**
 * serverless.yml `functions` (a variable resolver, like infra/stages.cjs).
 * @param {import('./stages.cjs').VariableResolver} serverless
 */
async function functions({ resolveVariable }) {
  return functionsFor(await resolveVariable('sls:stage'));
}

module.exports = { functions, functionsFor, lambdaLogicalId, roleLogicalId, memorySizes };
