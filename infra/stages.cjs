// @ts-check
// What differs between stages, declared once. serverless.yml reads the current stage's settings as
// `${self:custom.stage.<name>}`, infra/environment.cjs turns them into the functions' environment.
//   local  npm start / invoke local: DynamoDB Local, SMS codes to a file, API docs served
//          (serverless-offline applies neither throttling nor reserved concurrency)
//   dev    a shared AWS test stage: real SMS, verbose logs, traces, short retention
//   prod   production: real SMS, traces, long retention, CloudWatch alarms
// Any other stage name (a developer's own, say) gets the dev settings.
'use strict';

/**
 * @typedef {object} StageSettings
 * @property {'outbox' | 'sns'} smsSender   where SMS codes go
 * @property {'DEBUG' | 'INFO' | 'WARN' | 'ERROR'} logLevel  overridable with LOG_LEVEL at deploy
 * @property {number} logRetentionInDays     CloudWatch Logs retention of every function
 * @property {boolean} tracing               X-Ray active tracing, SDK calls traced
 * @property {boolean} metrics               CloudWatch metrics (EMF) from the functions
 * @property {boolean} alarms                CloudWatch alarms and their SNS topic
 * @property {boolean} apiDocs               GET /docs and /openapi.json served
 * @property {Throttle} throttle             API Gateway's limit on every route of the stage
 * @property {Partial<Record<'sendCode' | 'login', Throttle>>} routeThrottle  tighter limits on the routes
 *   an attacker pays least for: each send-code request is an SMS, each login a bcrypt
 * @property {Partial<Record<import('./functions.cjs').BcryptBound, number>>} reservedConcurrency  Lambda concurrency kept for (and
 *   capped at) the bcrypt-bound functions (the hosted pages' sessions register and log in too), so a
 *   flood of them cannot take the account's whole concurrency, the authorizer's and the other
 *   functions' with it
 */

/**
 * Requests per second in the steady state, and the bucket of a burst (API Gateway's token bucket);
 * beyond them API Gateway answers 429 before any function runs.
 * @typedef {{ rate: number, burst: number }} Throttle
 */

// Why these numbers (docs/SCALING.md has the arithmetic): a login or a registration at one vCPU
// takes about 0.12-0.15 s of bcrypt, so 25 reserved instances serve about 160 a second, far above
// the 50 logins a second the route lets through. A password change (two hashes' work), a phone
// change and a reset are rarer, and each needs a session or a texted code, so 10 each. Together
// the reservations leave 865 of the account's default 1,000 for the rest.
// dev reserves nothing: new accounts start with a concurrency quota of 10, and Lambda refuses a
// reservation that leaves fewer than 100 unreserved.
const PROD_EDGE = {
  throttle: { rate: 500, burst: 1000 },
  routeThrottle: { sendCode: { rate: 20, burst: 40 }, login: { rate: 50, burst: 100 } },
  reservedConcurrency: { login: 25, register: 25, accountSession: 25, passwordModify: 10, phoneModify: 10, passwordReset: 10 },
};
const DEV_EDGE = {
  throttle: { rate: 50, burst: 100 },
  routeThrottle: { sendCode: { rate: 2, burst: 5 }, login: { rate: 10, burst: 20 } },
  reservedConcurrency: {},
};

// A table, one row per stage, so Prettier leaves it alone.
// prettier-ignore
/** @type {Readonly<Record<'local' | 'dev' | 'prod', Readonly<StageSettings>>>} */
const stages = Object.freeze({
  local: Object.freeze({ smsSender: 'outbox', logLevel: 'INFO', logRetentionInDays: 1, tracing: false, metrics: false, alarms: false, apiDocs: true, ...DEV_EDGE }),
  dev: Object.freeze({ smsSender: 'sns', logLevel: 'DEBUG', logRetentionInDays: 14, tracing: true, metrics: true, alarms: false, apiDocs: false, ...DEV_EDGE }),
  prod: Object.freeze({ smsSender: 'sns', logLevel: 'INFO', logRetentionInDays: 90, tracing: true, metrics: true, alarms: true, apiDocs: false, ...PROD_EDGE }),
});

const LOCAL_STAGE = 'local';

const SHIPPING_COMMANDS = new Set(['deploy', 'package']);

/** The CLI's command as it reads one: the first of the words before the first option. */
function cliCommand() {
  const first = process.argv[2];
  return first === undefined || first.startsWith('-') ? undefined : first;
}

/** Whether this run of the CLI builds what ships to AWS (`deploy`, `package`). */
const isShipping = () => SHIPPING_COMMANDS.has(cliCommand() ?? '');

/** @param {string} stage @returns {Readonly<StageSettings>} */
function stageSettings(stage) {
  return stages[/** @type {keyof typeof stages} */ (stage)] ?? stages.dev;
}

/**
 * The SSM parameters a deployed stage's keys live in, by what they hold (infra/roles.cjs grants
 * each function the ones it reads).
 * @param {string} service @param {string} stage
 */
function keyParameters(service, stage) {
  return {
    /** SecureString: the private signing key (a JWK, or a JWK Set during a rotation). */
    signingKey: `/${service}/${stage}/signing-key`,
    /** String: the public keys verifiers accept, a JWK Set written from the signing key's. */
    publicKeys: `/${service}/${stage}/public-keys`,
    /** SecureString: the HMAC key of stored SMS codes, an octet JWK. */
    codeKey: `/${service}/${stage}/code-key`,
    /** SecureString: the human-check provider's secret, as the provider gave it (SEND_CODE_CHALLENGE). */
    challengeSecret: `/${service}/${stage}/challenge-secret`,
  };
}

/**
 * What the Serverless CLI hands a `${file(x.cjs)}` variable source: a way to read other variables.
 * @typedef {{ resolveVariable: (name: string) => Promise<string> }} VariableResolver
 */

/**
 * Serverless variable resolver entry point: `${file(infra/stages.cjs)}` is this stage's settings.
 * @param {VariableResolver} serverless
 */
async function forServerless({ resolveVariable }) {
  const stage = await resolveVariable('sls:stage');
  // `local` is the default stage, so a bare `serverless deploy` would otherwise ship it: API docs,
  // and settings (outbox, key file, DynamoDB Local) that cannot run in AWS. A package is refused
  // too: `deploy --package` would ship it under any stage name. Every command's variables resolve
  // before it acts, so this stops it before anything is built or reaches AWS.
  if (stage === LOCAL_STAGE && isShipping()) {
    throw new Error(`stage "${LOCAL_STAGE}" runs on this machine only (npm start); use --stage dev or --stage prod`);
  }
  return stageSettings(stage);
}

module.exports = forServerless;
module.exports.stages = stages;
module.exports.stageSettings = stageSettings;
module.exports.keyParameters = keyParameters;
module.exports.LOCAL_STAGE = LOCAL_STAGE;
module.exports.isShipping = isShipping;
