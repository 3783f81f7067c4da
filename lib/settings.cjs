// @ts-check
// The service's settings, one row each: the environment variable, what it may hold, its default,
// what it is for, who sets it, and where the functions' configuration keeps it. The rest follows
// from these rows: the validation and the `Config` type (lib/config.ts), what the Serverless CLI
// hands the functions (infra/environment.cjs), and the README's configuration tables
// (`npm run generate`). Plain CommonJS so the Serverless CLI can load it as is.
'use strict';

/**
 * What a value may be. Every value arrives as text; a whole number is parsed.
 * @typedef {{ type: 'int', min: number, max?: number }} WholeNumber  min..max, both included
 * @typedef {{ type: 'enum', values: readonly [string, ...string[]] }} OneOf
 * @typedef {{ type: 'text', pattern?: string, rule?: string, example?: string }} Text  any text but
 *   the empty one; with a `pattern`, only text it matches (a regular expression), which `rule` says
 *   in words and `example` shows
 * @typedef {{ type: 'url' }} Url
 * @typedef {WholeNumber | OneOf | Text | Url} Kind
 */

/**
 * Who gives the functions the value, which says who may override it:
 *   deployer  the shell that runs `serverless`, in every stage: a deployer at `deploy` or
 *             `package`, a developer under `npm start`
 *   local     the same shell, in the local stage only
 *   stage     serverless.yml, from the stage (its name, infra/stages.cjs); not the shell
 *   runtime   the Lambda runtime
 *   fixed     nobody: the default holds
 * @typedef {'deployer' | 'local' | 'stage' | 'runtime' | 'fixed'} SetBy
 */

/**
 * @typedef {object} Setting
 * @property {Kind} kind
 * @property {string | number} [default]  when unset or empty; without one the setting is optional
 * @property {string} [localDefault]  what the local stage hands the functions when the shell sets
 *   none (infra/environment.cjs), where the functions themselves have no default
 * @property {boolean} [requiredToDeploy]  a deployed stage refuses to deploy (`serverless deploy` or
 *   `package`) unless the shell sets it: a choice nobody may make by default (infra/environment.cjs);
 *   the local stage gets its `localDefault`
 * @property {SetBy} setBy
 * @property {string} field  where `Config` keeps the value: `limits.codeTtlSeconds` is
 *   `config.limits.codeTtlSeconds`, `bcryptCost` is `config.bcryptCost`
 * @property {string} description  one line of Markdown, for the README
 */

// Cheaper hashes are for tests and laptops only (lib/config.ts refuses them in AWS).
const MIN_DEPLOYED_BCRYPT_COST = 10;

// `*`, or calling codes (1-3 digits, never starting with 0) separated by commas.
const COUNTRY_CODE_LIST = '^\\s*(\\*|[1-9][0-9]{0,2}(\\s*,\\s*[1-9][0-9]{0,2})*)\\s*$';
// `*`, or agent names (docs/API.md §0: printable ASCII) separated by commas.
const AGENT_NAME_LIST = '^(\\*|[\\x20-\\x2b\\x2d-\\x7e]+(,[\\x20-\\x2b\\x2d-\\x7e]+)*)$';

const positive = /** @type {const} */ ({ type: 'int', min: 1 });
const nonNegative = /** @type {const} */ ({ type: 'int', min: 0 });
const text = /** @type {const} */ ({ type: 'text' });

/**
 * Freezes the table and keeps each row's literal types, from which lib/config.ts derives `Config`.
 * @template {Record<string, Setting>} const T
 * @param {T} rows
 * @returns {Readonly<T>}
 */
function defineSettings(rows) {
  return Object.freeze(rows);
}

const settings = defineSettings({
  // Abuse limits and lifetimes: a deployer's to tune.
  SMS_RESEND_COOLDOWN_SECONDS: {
    kind: nonNegative,
    default: 60,
    setBy: 'deployer',
    field: 'limits.smsResendCooldownSeconds',
    description: 'minimum gap between codes to one phone (0 disables; the hourly caps still apply)',
  },
  SMS_MAX_PER_PHONE_PER_HOUR: {
    kind: positive,
    default: 5,
    setBy: 'deployer',
    field: 'limits.smsMaxPerPhonePerHour',
    description: 'codes per phone per clock hour',
  },
  SMS_MAX_PER_IP_PER_HOUR: {
    kind: positive,
    default: 30,
    setBy: 'deployer',
    field: 'limits.smsMaxPerIpPerHour',
    description: 'codes per source IP per clock hour',
  },
  // Where codes may go and how many may go: docs/SECURITY.md, "SMS".
  SMS_ALLOWED_COUNTRY_CODES: {
    kind: {
      type: 'text',
      pattern: COUNTRY_CODE_LIST,
      rule: '`*`, or country calling codes separated by commas',
      example: '27,62',
    },
    localDefault: '*',
    requiredToDeploy: true,
    setBy: 'deployer',
    field: 'sms.allowedCountryCodes',
    description:
      'where codes may be texted: the country calling codes (`27,62`), or `*` for any destination; required to deploy (locally `*`), since a destination not needed is only a cost',
  },
  SMS_MAX_PER_COUNTRY_PER_HOUR: {
    kind: positive,
    default: 300,
    setBy: 'deployer',
    field: 'limits.smsMaxPerCountryPerHour',
    description: 'codes per country calling code per clock hour, all phones together',
  },
  SMS_MAX_PER_HOUR: {
    kind: positive,
    default: 1000,
    setBy: 'deployer',
    field: 'limits.smsMaxPerHour',
    description: 'codes per clock hour, the whole service (a sharded counter: docs/SECURITY.md)',
  },
  CODE_MAX_FAILURES_PER_PHONE_PER_DAY: {
    kind: positive,
    default: 20,
    setBy: 'deployer',
    field: 'limits.codeMaxFailuresPerPhonePerDay',
    description:
      "wrong codes per phone per UTC day over all its codes; past it the phone's sends and validations wait for the next day (429)",
  },
  // Who may call, and whether a person must be behind a send.
  AGENT_NAMES: {
    kind: {
      type: 'text',
      pattern: AGENT_NAME_LIST,
      rule: '`*`, or agent names (printable, no comma) separated by commas',
      example: 'demo-app,other-app',
    },
    default: '*',
    setBy: 'deployer',
    field: 'agentNames',
    description: '`x-hw-agentName` values accepted, separated by commas; `*` (or empty) accepts any',
  },
  SEND_CODE_CHALLENGE: {
    kind: { type: 'enum', values: ['off', 'turnstile', 'recaptcha'] },
    default: 'off',
    setBy: 'deployer',
    field: 'challenge.provider',
    description:
      'human check before a code is sent: `turnstile` (Cloudflare) or `recaptcha` (Google) verify the `X-Challenge-Token` header with the secret of `CHALLENGE_SECRET_PARAMETER` (`CHALLENGE_SECRET_FILE` locally)',
  },
  SEND_CODE_CHALLENGE_TIMEOUT_MS: {
    kind: { type: 'int', min: 100, max: 8000 },
    default: 3000,
    setBy: 'deployer',
    field: 'challenge.timeoutMs',
    description: 'how long the human-check provider may take to answer; slower or down, sends fail closed (503)',
  },
  CODE_TTL_SECONDS: {
    kind: positive,
    default: 300,
    setBy: 'deployer',
    field: 'limits.codeTtlSeconds',
    description: 'lifetime of an SMS code',
  },
  CODE_MAX_ATTEMPTS: {
    kind: positive,
    default: 5,
    setBy: 'deployer',
    field: 'limits.codeMaxAttempts',
    description: 'wrong guesses before a code stops working (429)',
  },
  CAPTCHA_TOKEN_TTL_SECONDS: {
    kind: positive,
    default: 600,
    setBy: 'deployer',
    field: 'limits.captchaTokenTtlSeconds',
    description: 'lifetime of a captcha token',
  },
  ACCESS_TOKEN_TTL_SECONDS: {
    kind: positive,
    default: 1800,
    setBy: 'deployer',
    field: 'jwt.accessTokenTtlSeconds',
    description: 'access-token lifetime (`expiresIn`)',
  },
  REFRESH_TOKEN_TTL_SECONDS: {
    kind: positive,
    default: 2592000,
    setBy: 'deployer',
    field: 'limits.refreshTokenTtlSeconds',
    description: 'refresh-token lifetime (30 days, renewed on each refresh)',
  },
  SESSION_MAX_LIFETIME_SECONDS: {
    kind: positive,
    default: 7776000,
    setBy: 'deployer',
    field: 'limits.sessionMaxLifetimeSeconds',
    description: 'absolute session lifetime (90 days): refreshing never extends a session past it',
  },
  // bcryptjs accepts 4..31; above 14 one hash takes seconds on a Lambda core.
  BCRYPT_COST: {
    kind: { type: 'int', min: 4, max: 14 },
    default: 11,
    setBy: 'deployer',
    field: 'bcryptCost',
    description: `bcrypt cost for passwords (a deployed stage refuses less than ${MIN_DEPLOYED_BCRYPT_COST})`,
  },
  // Wrong passwords, counted three ways (docs/API.md §7.7): per phone and source IP, per phone, per source IP.
  LOGIN_MAX_FAILURES: {
    kind: positive,
    default: 10,
    setBy: 'deployer',
    field: 'limits.loginMaxFailures',
    description: 'wrong passwords per phone from one source IP per window before 429',
  },
  LOGIN_FAILURE_WINDOW_SECONDS: {
    kind: positive,
    default: 900,
    setBy: 'deployer',
    field: 'limits.loginFailureWindowSeconds',
    description: 'window for `LOGIN_MAX_FAILURES` (a right password from that source IP clears it)',
  },
  LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY: {
    kind: positive,
    default: 100,
    setBy: 'deployer',
    field: 'limits.loginMaxFailuresPerAccountPerDay',
    description: 'wrong passwords per phone from all source IPs per UTC day before 429',
  },
  LOGIN_MAX_FAILURES_PER_IP_PER_HOUR: {
    kind: positive,
    default: 100,
    setBy: 'deployer',
    field: 'limits.loginMaxFailuresPerIpPerHour',
    description: 'wrong passwords per source IP for all phones per clock hour before 429',
  },
  // 0 turns the grace off: any second use of a rotated refresh token ends the session.
  REFRESH_REUSE_GRACE_SECONDS: {
    kind: nonNegative,
    default: 10,
    setBy: 'deployer',
    field: 'limits.refreshReuseGraceSeconds',
    description: 'how long a rotated refresh token may be retried (0 disables)',
  },

  // This machine's files and DynamoDB; a deployed stage has none of them.
  DYNAMODB_ENDPOINT: {
    kind: { type: 'url' },
    setBy: 'local',
    field: 'dynamodbEndpoint',
    description: "a DynamoDB to use instead of AWS's; locally, the DynamoDB Local that `npm start` runs unless this names another",
  },
  SMS_OUTBOX_FILE: {
    kind: text,
    default: '.local/sms-outbox.jsonl',
    setBy: 'local',
    field: 'sms.outboxFile',
    description: 'where local "SMS" go, a JSON line each',
  },
  // Exactly one source for the ES256 signing key: this file (local) or SIGNING_KEY_PARAMETER (deployed).
  SIGNING_KEY_FILE: {
    kind: text,
    localDefault: '.local/keys/signing-key.json',
    setBy: 'local',
    field: 'signingKey.file',
    description: 'local signing key (created if missing); a deployed stage refuses a key file',
  },
  // At most one source for the SMS codes' HMAC key: this file (local) or CODE_KEY_PARAMETER (deployed).
  CODE_KEY_FILE: {
    kind: text,
    localDefault: '.local/keys/code-key.json',
    setBy: 'local',
    field: 'codeKey.file',
    description: 'local HMAC key of SMS codes (created if missing); a deployed stage refuses a key file',
  },

  // The human-check provider's secret, locally (CHALLENGE_SECRET_PARAMETER when deployed). The
  // provider issues it: nothing creates it.
  CHALLENGE_SECRET_FILE: {
    kind: text,
    localDefault: '.local/keys/challenge-secret',
    setBy: 'local',
    field: 'challenge.secretFile',
    description: "local human-check secret (the provider's, as plain text; read only when `SEND_CODE_CHALLENGE` is on)",
  },
  // Tests and local stand-ins only: a deployed stage talks to the provider's own siteverify.
  CHALLENGE_VERIFY_URL: {
    kind: { type: 'url' },
    setBy: 'local',
    field: 'challenge.verifyUrl',
    description: "a siteverify URL instead of the provider's (a local stand-in); a deployed stage refuses it",
  },

  // The stage's, the runtime's, or fixed.
  STAGE: { kind: text, default: 'local', setBy: 'stage', field: 'stage', description: 'the stage the functions run in (`--stage`)' },
  SMS_SENDER: {
    kind: { type: 'enum', values: ['sns', 'outbox'] },
    default: 'sns',
    setBy: 'stage',
    field: 'sms.sender',
    description: 'where SMS codes go: the local stage writes them to `SMS_OUTBOX_FILE`, a deployed stage refuses that',
  },
  SIGNING_KEY_PARAMETER: {
    kind: text,
    setBy: 'stage',
    field: 'signingKey.parameter',
    description: 'deployed: the SSM SecureString holding the signing key, `/koodrive-signup/<stage>/signing-key`',
  },
  PUBLIC_KEYS_PARAMETER: {
    kind: text,
    setBy: 'stage',
    field: 'publicKeys.parameter',
    description: 'deployed: the SSM String holding the public keys (a JWK Set), `/koodrive-signup/<stage>/public-keys`',
  },
  CODE_KEY_PARAMETER: {
    kind: text,
    setBy: 'stage',
    field: 'codeKey.parameter',
    description: "deployed: the SSM SecureString holding the SMS codes' HMAC key, `/koodrive-signup/<stage>/code-key`",
  },
  CHALLENGE_SECRET_PARAMETER: {
    kind: text,
    setBy: 'stage',
    field: 'challenge.secretParameter',
    description: "deployed: the SSM SecureString holding the human-check provider's secret, `/koodrive-signup/<stage>/challenge-secret`",
  },
  JWT_ISSUER: { kind: text, default: 'koodrive-signup', setBy: 'fixed', field: 'jwt.issuer', description: '`iss` of access tokens' },
  JWT_AUDIENCE: { kind: text, default: 'koodrive', setBy: 'fixed', field: 'jwt.audience', description: '`aud` of access tokens' },
  AWS_REGION: {
    kind: text,
    default: 'us-east-1',
    setBy: 'runtime',
    field: 'region',
    description: "the functions' AWS region; `serverless` deploys to this shell's `AWS_REGION` when `--region` is not given",
  },
});

/**
 * What a kind allows, in words: the README's "Allowed" column, and what a refusal says.
 * @param {Kind} kind
 */
function allowed(kind) {
  switch (kind.type) {
    case 'int':
      return kind.max === undefined ? `a whole number, ${kind.min} or more` : `a whole number from ${kind.min} to ${kind.max}`;
    case 'enum':
      return kind.values.length === 1 ? kind.values[0] : `${kind.values.slice(0, -1).join(', ')} or ${kind.values.at(-1)}`;
    case 'text':
      return kind.rule ?? 'any text';
    case 'url':
      return 'a URL';
  }
}

module.exports = { settings, allowed, MIN_DEPLOYED_BCRYPT_COST };
