// @ts-check
// The functions' environment for a stage, resolved by serverless.yml (`${file(infra/environment.cjs)}`).
// The functions' settings (lib/settings.cjs) come from the shell that runs `serverless`, where their row lets it.
'use strict';

const { resolve } = require('node:path');
const { tableEnvironment } = require('./tables.cjs');
const { LOCAL_STAGE, stageSettings, keyParameters, isShipping } = require('./stages.cjs');
const { metricsNamespace } = require('./metrics.cjs');
const { settings: functionSettings } = require('../lib/settings.cjs');

/** @typedef {keyof typeof functionSettings} SettingName */
/** @typedef {{ default?: unknown, localDefault?: unknown, setBy: string, requiredToDeploy?: boolean }} SettingRow */

/** The shell's value of a setting, or else the one its row gives the functions. @param {SettingName} name */
function fromShell(name) {
  /** @type {SettingRow} */
  const row = functionSettings[name];
  return process.env[name] || String(row.localDefault ?? row.default);
}

/** @param {SettingName} name */
const rowOf = (name) => /** @type {SettingRow} */ (functionSettings[name]);
const names = /** @type {SettingName[]} */ (Object.keys(functionSettings));

// What a deployer may override, in every stage.
const deployerSettings = names.filter((name) => rowOf(name).setBy === 'deployer' && !rowOf(name).requiredToDeploy);

// What a deployer must choose before a deployed stage ships; the local stage has a default.
const requiredToDeploy = names.filter((name) => rowOf(name).requiredToDeploy);

/**
 * The required settings as the stage gets them: the shell's, locally its row's local default; a
 * deployed stage without one refuses `deploy` and `package` (other commands, `print` say, go on).
 * @param {boolean} local @returns {Record<string, string>}
 */
function required(local) {
  /** @type {Record<string, string>} */
  const values = {};
  const missing = [];
  for (const name of requiredToDeploy) {
    const value = process.env[name] || (local ? String(rowOf(name).localDefault) : undefined);
    if (value) values[name] = value;
    else missing.push(name);
  }
  if (missing.length > 0 && isShipping()) {
    throw new Error(
      `set ${missing.join(', ')} to deploy (README, "Configuration"): SMS_ALLOWED_COUNTRY_CODES names the country calling codes codes may be texted to, e.g. 27,62, or * for any destination`,
    );
  }
  return values;
}

/**
 * @param {import('./stages.cjs').VariableResolver} serverless
 * @returns {Promise<Record<string, string>>}
 */
module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const local = stage === LOCAL_STAGE;
  const settings = stageSettings(stage);
  const tuned = { ...Object.fromEntries(deployerSettings.map((name) => [name, fromShell(name)])), ...required(local) };
  /** @type {Record<string, string>} */
  const keysAndStorage = local
    ? {
        // Laptop: DynamoDB Local, SMS codes to a file, a signing key generated on first start.
        // Absolute: `invoke local` runs the bundle from the esbuild folder, and must share the
        // key and the outbox with `npm start` (and never leave copies where a package picks them up).
        SMS_OUTBOX_FILE: resolve(fromShell('SMS_OUTBOX_FILE')),
        SIGNING_KEY_FILE: resolve(fromShell('SIGNING_KEY_FILE')),
        CODE_KEY_FILE: resolve(fromShell('CODE_KEY_FILE')),
        CHALLENGE_SECRET_FILE: resolve(fromShell('CHALLENGE_SECRET_FILE')),
        // A local stand-in for the human-check provider, when the shell names one (empty: the provider's).
        CHALLENGE_VERIFY_URL: process.env.CHALLENGE_VERIFY_URL || '',
        // One's own DynamoDB (DYNAMODB_ENDPOINT), else the DynamoDB Local that `npm start` runs:
        // scripts/start.ts starts it where this says, so `invoke local` finds it there too.
        DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT || `http://127.0.0.1:${process.env.DYNAMODB_LOCAL_PORT || 8000}`,
      }
    : {
        // Each function reads only the ones its role allows (infra/roles.cjs); names are no secret.
        SIGNING_KEY_PARAMETER: keyParameters(service, stage).signingKey,
        PUBLIC_KEYS_PARAMETER: keyParameters(service, stage).publicKeys,
        CODE_KEY_PARAMETER: keyParameters(service, stage).codeKey,
        CHALLENGE_SECRET_PARAMETER: keyParameters(service, stage).challengeSecret,
        // Not read by the code: bump it on deploy after a key change so every container reloads its keys.
        SIGNING_KEY_VERSION: process.env.SIGNING_KEY_VERSION || '1',
      };
  return {
    STAGE: stage,
    POWERTOOLS_SERVICE_NAME: service,
    POWERTOOLS_LOG_LEVEL: process.env.LOG_LEVEL || process.env.POWERTOOLS_LOG_LEVEL || settings.logLevel,
    SMS_SENDER: settings.smsSender,
    // Powertools Metrics and Tracer (lib/observability/), on where the stage says so.
    POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(service, stage),
    POWERTOOLS_METRICS_DISABLED: String(!settings.metrics),
    POWERTOOLS_TRACE_ENABLED: String(settings.tracing),
    // A refusal (4xx) is no fault of the service: its trace gets the error flag, not its details.
    POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
    ...tableEnvironment(`${service}-${stage}`),
    ...tuned,
    ...keysAndStorage,
  };
};
