// @ts-check
// The functions' environment for a stage, resolved by serverless.yml (`${file(infra/environment.cjs)}`).
// The functions' settings (lib/settings.cjs) come from the shell that runs `serverless`, where their row lets it.
'use strict';

const { resolve } = require('node:path');
const { tableEnvironment } = require('./tables.cjs');
const { LOCAL_STAGE, stageSettings, keyParameters } = require('./stages.cjs');
const { metricsNamespace } = require('./metrics.cjs');
const { settings: functionSettings } = require('../lib/settings.cjs');

/** @typedef {keyof typeof functionSettings} SettingName */
/** @typedef {{ default?: unknown, localDefault?: unknown, setBy: string }} SettingRow */

/** The shell's value of a setting, or else the one its row gives the functions. @param {SettingName} name */
function fromShell(name) {
  /** @type {SettingRow} */
  const row = functionSettings[name];
  return process.env[name] || String(row.localDefault ?? row.default);
}

// What a deployer may override, in every stage.
const deployerSettings = /** @type {SettingName[]} */ (Object.keys(functionSettings)).filter(
  (name) => /** @type {SettingRow} */ (functionSettings[name]).setBy === 'deployer',
);

/**
 * @param {import('./stages.cjs').VariableResolver} serverless
 * @returns {Promise<Record<string, string>>}
 */
module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const local = stage === LOCAL_STAGE;
  const settings = stageSettings(stage);
  const tuned = Object.fromEntries(deployerSettings.map((name) => [name, fromShell(name)]));
  /** @type {Record<string, string>} */
  const keysAndStorage = local
    ? {
        // Laptop: DynamoDB Local, SMS codes to a file, a signing key generated on first start.
        // Absolute: `invoke local` runs the bundle from the esbuild folder, and must share the
        // key and the outbox with `npm start` (and never leave copies where a package picks them up).
        SMS_OUTBOX_FILE: resolve(fromShell('SMS_OUTBOX_FILE')),
        SIGNING_KEY_FILE: resolve(fromShell('SIGNING_KEY_FILE')),
        CODE_KEY_FILE: resolve(fromShell('CODE_KEY_FILE')),
        // One's own DynamoDB (DYNAMODB_ENDPOINT), else the DynamoDB Local that `npm start` runs:
        // scripts/start.ts starts it where this says, so `invoke local` finds it there too.
        DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT || `http://127.0.0.1:${process.env.DYNAMODB_LOCAL_PORT || 8000}`,
      }
    : {
        // Each function reads only the ones its role allows (infra/roles.cjs); names are no secret.
        SIGNING_KEY_PARAMETER: keyParameters(service, stage).signingKey,
        PUBLIC_KEYS_PARAMETER: keyParameters(service, stage).publicKeys,
        CODE_KEY_PARAMETER: keyParameters(service, stage).codeKey,
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
