// @ts-check
// The one declaration of the service's DynamoDB tables.
//
// serverless.yml reads the CloudFormation resources, the function environment and the IAM
// resource list from here (`${file(infra/tables.cjs):...}`); the local stack and the tests create
// the same tables from `tables` below. Plain CommonJS so the Serverless CLI can load it as is.
'use strict';

/**
 * @typedef {object} TableDefinition
 * @property {string} logicalId   CloudFormation logical id
 * @property {string} suffix      table name = `${prefix}-${suffix}`
 * @property {string} envVar      environment variable that carries the table name to the code
 * @property {string | null} ttlAttribute  epoch-seconds attribute DynamoDB expires items by
 * @property {boolean} durable    user data: deletion protection, kept when the stack goes
 * @property {boolean} pointInTimeRecovery  restorable to any second of the last 35 days
 */

/** @type {Readonly<Record<'users' | 'verifications' | 'sessions' | 'rateLimits', TableDefinition>>} */
const tables = Object.freeze({
  // Users and the phone claims that keep phone numbers unique (one item per canonical phone).
  users: { logicalId: 'UsersTable', suffix: 'users', envVar: 'USERS_TABLE', ttlAttribute: null, durable: true, pointInTimeRecovery: true },
  // SMS codes and the captcha tokens they are exchanged for: minutes of life, hashed secrets.
  verifications: {
    logicalId: 'VerificationsTable',
    suffix: 'verifications',
    envVar: 'VERIFICATIONS_TABLE',
    ttlAttribute: 'ttl',
    durable: false,
    // Minutes of life: a restore would bring back only expired codes and tokens.
    pointInTimeRecovery: false,
  },
  // Refresh-token sessions and revoked access-token ids. Losing it would log every user out, and
  // forget revocations: restorable, though not kept when the stack goes.
  sessions: {
    logicalId: 'SessionsTable',
    suffix: 'sessions',
    envVar: 'SESSIONS_TABLE',
    ttlAttribute: 'ttl',
    durable: false,
    pointInTimeRecovery: true,
  },
  // Fixed-window counters and cooldowns for abuse limits.
  // Counters of an hour at most: nothing worth restoring.
  rateLimits: {
    logicalId: 'RateLimitsTable',
    suffix: 'rate-limits',
    envVar: 'RATE_LIMITS_TABLE',
    ttlAttribute: 'ttl',
    durable: false,
    pointInTimeRecovery: false,
  },
});

// Every table has the same key: a string partition key named `pk`, item kinds told apart by prefix.
const PARTITION_KEY = 'pk';

/** @param {string} prefix @returns {Record<string, string>} env var -> table name */
function tableEnvironment(prefix) {
  return Object.fromEntries(Object.values(tables).map((t) => [t.envVar, `${prefix}-${t.suffix}`]));
}

/** CreateTable input, shared by CloudFormation (same property names) and the SDK. */
function keySchema() {
  return {
    AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/** @param {string} prefix */
function cloudFormationResources(prefix) {
  /** @type {Record<string, Record<string, unknown>>} */
  const resources = {};
  for (const t of Object.values(tables)) {
    resources[t.logicalId] = {
      Type: 'AWS::DynamoDB::Table',
      DeletionPolicy: t.durable ? 'Retain' : 'Delete',
      UpdateReplacePolicy: t.durable ? 'Retain' : 'Delete',
      Properties: {
        TableName: `${prefix}-${t.suffix}`,
        ...keySchema(),
        SSESpecification: { SSEEnabled: true },
        ...(t.ttlAttribute ? { TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true } } : {}),
        ...(t.pointInTimeRecovery ? { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } : {}),
        ...(t.durable ? { DeletionProtectionEnabled: true } : {}),
      },
    };
  }
  return resources;
}

function tableArns() {
  return Object.values(tables).map((t) => ({ 'Fn::GetAtt': [t.logicalId, 'Arn'] }));
}

/**
 * Serverless variable resolver entry point: `${file(infra/tables.cjs):resources}` etc.
 * @param {import('./stages.cjs').VariableResolver} serverless
 */
async function forServerless({ resolveVariable }) {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const prefix = `${service}-${stage}`;
  return {
    resources: cloudFormationResources(prefix),
    environment: tableEnvironment(prefix),
    arns: tableArns(),
  };
}

module.exports = forServerless;
module.exports.tables = tables;
module.exports.keySchema = keySchema;
module.exports.tableEnvironment = tableEnvironment;
