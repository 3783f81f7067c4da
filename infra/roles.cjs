// @ts-check
// An IAM role per function, with only what that function does: serverless.yml merges these roles
// into its resources (`${file(infra/roles.cjs)}`) and infra/functions.cjs points each function at
// its own. `grants` below is the one table of who may do what; tests/template.test.ts states the
// same per function, as a reviewer would, and fails on any difference. Plain CommonJS so the
// Serverless CLI can load it as is.
'use strict';

const { tables } = require('./tables.cjs');
const { stageSettings, keyParameters } = require('./stages.cjs');
const { functionsFor, roleLogicalId } = require('./functions.cjs');

/** @typedef {keyof typeof tables} TableName */
/** @typedef {'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem'} ItemAction */
/** @typedef {keyof ReturnType<typeof keyParameters>} KeyParameter */

/**
 * @typedef {object} Grants
 * @property {Partial<Record<TableName, readonly ItemAction[]>>} tables  item actions per table; a
 *   transaction needs no action of its own, only each of its items' (Put, Update, Delete, ConditionCheck)
 * @property {readonly KeyParameter[]} parameters  SSM parameters it reads (lib/tokens/)
 * @property {boolean} [sms]  SMS to phone numbers through SNS
 */

// Read from the code (lib/domain/ through lib/store/dynamo/): each action is one the function's
// requests make. Keys, one per purpose (docs/SECURITY.md): only the functions that sign read the
// signing key, the ones that only verify read the public keys, the code functions the code key.
/** @type {Readonly<Record<string, Readonly<Grants>>>} */
const grants = Object.freeze({
  // Cooldown put, quota updates, the wrong-code budget checked, code put; a refused send lifts its
  // cooldown (delete). A login, reset or phone-change code reads whether the phone has an account;
  // a phone-change code checks its session (the public keys, the revocation read). The human
  // check's secret, read only where SEND_CODE_CHALLENGE is on.
  sendCode: {
    tables: {
      rateLimits: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
      verifications: ['PutItem'],
      users: ['GetItem'],
      sessions: ['GetItem'],
    },
    parameters: ['codeKey', 'publicKeys', 'challengeSecret'],
    sms: true,
  },
  // Code read, a wrong guess counted (with the phone's wrong-code budget), the code redeemed and
  // its captcha token put (with that budget checked).
  validateCode: {
    tables: { verifications: ['GetItem', 'UpdateItem', 'PutItem'], rateLimits: ['UpdateItem', 'ConditionCheckItem'] },
    parameters: ['codeKey'],
  },
  // Token spent, phone claim and user put, session put; a retried registration reads the user,
  // spends its password tries (updates, given back by an update and a delete on success), and adds
  // its session to the user's index (update), ending sessions it pushes out (delete).
  register: {
    tables: {
      verifications: ['UpdateItem'],
      users: ['GetItem', 'PutItem', 'UpdateItem'],
      sessions: ['PutItem', 'DeleteItem'],
      rateLimits: ['UpdateItem', 'DeleteItem'],
    },
    parameters: ['signingKey'],
  },
  // Password tries spent (updates; given back on success by an update and a delete), the user
  // read; with a captcha token the token is spent and the phone's owner checked; the session put
  // and added to the user's index (update), sessions it pushes out ended (delete).
  login: {
    tables: {
      rateLimits: ['UpdateItem', 'DeleteItem'],
      users: ['GetItem', 'ConditionCheckItem', 'UpdateItem'],
      verifications: ['UpdateItem'],
      sessions: ['PutItem', 'DeleteItem'],
    },
    parameters: ['signingKey'],
  },
  // Refresh record and session read, rotation (updates, put); a reuse ends the session (its item
  // deleted, its entry removed from the user's index).
  refreshToken: {
    tables: { sessions: ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'], users: ['UpdateItem'] },
    parameters: ['signingKey'],
  },
  // The session read; it ends (deleted, out of the index), or with allSessions every session of
  // the user (the user read, its index rewritten).
  logout: { tables: { sessions: ['GetItem', 'DeleteItem'], users: ['GetItem', 'UpdateItem'] }, parameters: ['publicKeys'] },
  // The token's session read, then the caller's user read.
  userInfo: { tables: { sessions: ['GetItem'], users: ['GetItem'] }, parameters: ['publicKeys'] },
  // The token's session read, then the caller's user updated (conditionally: never created).
  updateUserInfo: { tables: { sessions: ['GetItem'], users: ['UpdateItem'] }, parameters: ['publicKeys'] },
  // The token's session and the user read, the password checked (its budgets spent, then given
  // back or reset); one transaction writes the user (update) and ends the other sessions (delete).
  passwordModify: {
    tables: { sessions: ['GetItem', 'DeleteItem'], users: ['GetItem', 'UpdateItem'], rateLimits: ['UpdateItem', 'DeleteItem'] },
    parameters: ['publicKeys'],
  },
  // As passwordModify, and in the same transaction the token spent, the new phone's claim put and
  // the old one's deleted.
  phoneModify: {
    tables: {
      sessions: ['GetItem', 'DeleteItem'],
      users: ['GetItem', 'PutItem', 'DeleteItem', 'UpdateItem'],
      rateLimits: ['UpdateItem', 'DeleteItem'],
      verifications: ['UpdateItem'],
    },
    parameters: ['publicKeys'],
  },
  // The captcha token read, then spent; the phone's claim and user read, the user's password hash
  // and session index rewritten, its sessions ended (deleted), the phone's login counter cleared
  // (deleted). No key: it signs and verifies nothing.
  passwordReset: {
    tables: {
      verifications: ['GetItem', 'UpdateItem'],
      users: ['GetItem', 'UpdateItem'],
      sessions: ['DeleteItem'],
      rateLimits: ['DeleteItem'],
    },
    parameters: [],
  },
  // The token's session read, the user read; the user, its phone claim, its sessions and the token
  // its registration spent deleted.
  userDelete: {
    tables: { sessions: ['GetItem', 'DeleteItem'], users: ['GetItem', 'DeleteItem'], verifications: ['DeleteItem'] },
    parameters: ['publicKeys'],
  },
  jwks: { tables: {}, parameters: ['publicKeys'] },
  // The token's session read.
  authorizer: { tables: { sessions: ['GetItem'] }, parameters: ['publicKeys'] },
  // The hosted account pages: prebuilt files from its own bundle, nothing else.
  accountPages: { tables: {}, parameters: [] },
  // The pages' session routes run the register, login and refresh handlers (infra/pages.cjs): the
  // union of those three functions' grants, and the signing key they all hold.
  accountSession: {
    tables: {
      verifications: ['UpdateItem'],
      users: ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem'],
      sessions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
      rateLimits: ['UpdateItem', 'DeleteItem'],
    },
    parameters: ['signingKey'],
  },
  // API docs (local stage only): its own logs, nothing else.
  docs: { tables: {}, parameters: [] },
});

/** @param {string} name */
function grantsOf(name) {
  const found = grants[name];
  if (!found) throw new Error(`infra/roles.cjs grants nothing to function "${name}": add it to the table`);
  return found;
}

/** @typedef {Record<string, unknown>} Statement */

/**
 * The statements of one function's role.
 * @param {{ service: string, stage: string, name: string }} fn
 * @returns {Statement[]}
 */
function statementsFor({ service, stage, name }) {
  const granted = grantsOf(name);
  const settings = stageSettings(stage);
  // serverless names a function `<service>-<stage>-<name>` and its log group after it; the group
  // is a resource of the stack, so the function needs no logs:CreateLogGroup.
  const logGroup = `/aws/lambda/${service}-${stage}-${name}`;
  /** @type {Statement[]} */
  const statements = [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${logGroup}:*` },
    },
  ];
  // X-Ray accepts no resource narrower than '*'.
  if (settings.tracing) {
    statements.push({ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' });
  }
  for (const [table, actions] of Object.entries(granted.tables)) {
    statements.push({
      Effect: 'Allow',
      Action: (actions ?? []).map((a) => `dynamodb:${a}`),
      Resource: { 'Fn::GetAtt': [tables[/** @type {TableName} */ (table)].logicalId, 'Arn'] },
    });
  }
  if (granted.parameters.length > 0) {
    const names = keyParameters(service, stage);
    statements.push({
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: granted.parameters.map((p) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${names[p]}`,
      })),
    });
  }
  if (granted.sms) {
    // SMS to a phone number has no resource ARN to scope to...
    statements.push({ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' });
    // ...so topics are denied explicitly: the function may post to no topic, the alarm topic included.
    statements.push({ Effect: 'Deny', Action: 'sns:Publish', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:sns:*:*:*' } });
  }
  return statements;
}

/**
 * The roles of a stage's functions, by logical id.
 * @param {{ service: string, stage: string }} options
 */
function roleResources({ service, stage }) {
  /** @type {Record<string, unknown>} */
  const resources = {};
  for (const name of Object.keys(functionsFor(stage))) {
    resources[roleLogicalId(name)] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
        },
        Policies: [
          {
            PolicyName: `${service}-${stage}-${name}`,
            PolicyDocument: { Version: '2012-10-17', Statement: statementsFor({ service, stage, name }) },
          },
        ],
      },
    };
  }
  return resources;
}

/**
 * Serverless variable resolver entry point: `${file(infra/roles.cjs)}`, a `resources` entry.
 * @param {import('./stages.cjs').VariableResolver} serverless
 */
async function forServerless({ resolveVariable }) {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  return { Resources: roleResources({ service, stage }) };
}

module.exports = forServerless;
module.exports.grants = grants;
module.exports.roleResources = roleResources;
module.exports.statementsFor = statementsFor;
