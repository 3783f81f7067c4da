// What `serverless package --stage prod` would deploy: tables, runtime, IAM scope, prod settings.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { inflateRawSync } from 'node:zlib';
import { basename, join } from 'node:path';
import { XRAY_FILE } from '../esbuild.config.cjs';
import { functionsFor } from '../infra/functions.cjs';
import { sessionRoutes } from '../infra/pages.cjs';
import { docsRoutes, routes } from '../infra/routes.cjs';
import infra from '../infra/tables.cjs';
import infraMetrics from '../infra/metrics.cjs';
import { settings } from '../lib/settings.cjs';
import { runServerless, startOfflineApi, type OfflineApi } from '../scripts/lib/serverless-cli';
import { stageSettings } from '../infra/stages.cjs';
import { guardExceptions } from '../infra/guard-exceptions.cjs';
import { runGuard, type GuardReport } from './tools/cfn-guard';

type Resource = { Type: string; DeletionPolicy?: string; DependsOn?: string[]; Properties: Record<string, any> };

let out: string;
let resources: Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const functionName = (fn: Resource) => String(fn.Properties['FunctionName']).replace(/^koodrive-signup-prod-/, '');
const roleStatements = (role: Resource): any[] => (role.Properties['Policies'] ?? []).flatMap((p: any) => p.PolicyDocument.Statement);

// What each function may do, stated here as a reviewer reads it from the code, apart from the table
// that builds the roles (infra/roles.cjs): a grant added there, or taken away, fails here.
const LOGS = (fn: string) => ({
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: {
    'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/koodrive-signup-prod-${fn}:*`,
  },
});
const XRAY = { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' };
const items = (table: string, ...actions: string[]) => ({
  Effect: 'Allow',
  Action: actions.map((a) => `dynamodb:${a}`),
  Resource: { 'Fn::GetAtt': [table, 'Arn'] },
});
const parameters = (...names: string[]) => ({
  Effect: 'Allow',
  Action: 'ssm:GetParameter',
  Resource: names.map((n) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/koodrive-signup/prod/${n}`,
  })),
});
// SMS to phone numbers, and no topic (the alarm topic included).
const SMS = [
  { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
  { Effect: 'Deny', Action: 'sns:Publish', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:sns:*:*:*' } },
];
const granted = (fn: string, ...rest: object[]) => [LOGS(fn), XRAY, ...rest];
const expectedGrants: Record<string, object[]> = {
  sendCode: granted(
    'sendCode',
    items('RateLimitsTable', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'),
    items('VerificationsTable', 'PutItem'),
    items('UsersTable', 'GetItem'),
    items('SessionsTable', 'GetItem'),
    parameters('code-key', 'public-keys', 'challenge-secret'),
    ...SMS,
  ),
  validateCode: granted(
    'validateCode',
    items('VerificationsTable', 'GetItem', 'UpdateItem', 'PutItem'),
    items('RateLimitsTable', 'UpdateItem', 'ConditionCheckItem'),
    parameters('code-key'),
  ),
  register: granted(
    'register',
    items('VerificationsTable', 'UpdateItem'),
    items('UsersTable', 'GetItem', 'PutItem', 'UpdateItem'),
    items('SessionsTable', 'PutItem', 'DeleteItem'),
    items('RateLimitsTable', 'UpdateItem', 'DeleteItem'),
    parameters('signing-key'),
  ),
  login: granted(
    'login',
    items('RateLimitsTable', 'UpdateItem', 'DeleteItem'),
    items('UsersTable', 'GetItem', 'ConditionCheckItem', 'UpdateItem'),
    items('VerificationsTable', 'UpdateItem'),
    items('SessionsTable', 'PutItem', 'DeleteItem'),
    parameters('signing-key'),
  ),
  refreshToken: granted(
    'refreshToken',
    items('SessionsTable', 'GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'),
    items('UsersTable', 'UpdateItem'),
    parameters('signing-key'),
  ),
  logout: granted(
    'logout',
    items('SessionsTable', 'GetItem', 'DeleteItem'),
    items('UsersTable', 'GetItem', 'UpdateItem'),
    parameters('public-keys'),
  ),
  userInfo: granted('userInfo', items('SessionsTable', 'GetItem'), items('UsersTable', 'GetItem'), parameters('public-keys')),
  updateUserInfo: granted(
    'updateUserInfo',
    items('SessionsTable', 'GetItem'),
    items('UsersTable', 'UpdateItem'),
    parameters('public-keys'),
  ),
  passwordModify: granted(
    'passwordModify',
    items('SessionsTable', 'GetItem', 'DeleteItem'),
    items('UsersTable', 'GetItem', 'UpdateItem'),
    items('RateLimitsTable', 'UpdateItem', 'DeleteItem'),
    parameters('public-keys'),
  ),
  phoneModify: granted(
    'phoneModify',
    items('SessionsTable', 'GetItem', 'DeleteItem'),
    items('UsersTable', 'GetItem', 'PutItem', 'DeleteItem', 'UpdateItem'),
    items('RateLimitsTable', 'UpdateItem', 'DeleteItem'),
    items('VerificationsTable', 'UpdateItem'),
    parameters('public-keys'),
  ),
  passwordReset: granted(
    'passwordReset',
    items('VerificationsTable', 'GetItem', 'UpdateItem'),
    items('UsersTable', 'GetItem', 'UpdateItem'),
    items('SessionsTable', 'DeleteItem'),
    items('RateLimitsTable', 'DeleteItem'),
  ),
  userDelete: granted(
    'userDelete',
    items('SessionsTable', 'GetItem', 'DeleteItem'),
    items('UsersTable', 'GetItem', 'DeleteItem'),
    items('VerificationsTable', 'DeleteItem'),
    parameters('public-keys'),
  ),
  jwks: granted('jwks', parameters('public-keys')),
  authorizer: granted('authorizer', items('SessionsTable', 'GetItem'), parameters('public-keys')),
  // The hosted pages: files from its own bundle, no table, no key.
  accountPages: granted('accountPages'),
  // The pages' session routes: register, login and refresh, so their three roles' actions together.
  accountSession: granted(
    'accountSession',
    items('VerificationsTable', 'UpdateItem'),
    items('UsersTable', 'GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem'),
    items('SessionsTable', 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'),
    items('RateLimitsTable', 'UpdateItem', 'DeleteItem'),
    parameters('signing-key'),
  ),
};

// Packaged beside a running local stack (`npm start`), both bundling under one folder as in a
// developer's checkout: packaging must neither delete the stack's bundles nor zip them. Under
// `.esbuild/` as theirs are, where the stack's file watcher does not look (elsewhere it would
// rebuild deleted bundles, and hide the loss).
const workFolders = join('.esbuild', `test-${randomUUID().slice(0, 8)}`);
let localStack: OfflineApi | undefined;

beforeAll(async () => {
  localStack = await startOfflineApi({ ESBUILD_WORK_FOLDER: workFolders });
  out = mkdtempSync(join(tmpdir(), 'koodrive-package-'));
  // The inherited environment carries the test run's local-stage settings (outbox, key file):
  // the prod stage must not pick them up. The test run's cheap bcrypt cost is not a deployer's.
  // A deployed stage is told where codes may go (it refuses to package without).
  runServerless(['package', '--stage', 'prod', '--package', out], {
    BCRYPT_COST: '',
    SMS_ALLOWED_COUNTRY_CODES: '27,62',
    ESBUILD_WORK_FOLDER: workFolders,
  });
  resources = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
}, 240_000);

afterAll(async () => {
  await localStack?.stop();
  rmSync(workFolders, { recursive: true, force: true });
  if (out) rmSync(out, { recursive: true, force: true });
});

it('leaves the bundles of a local stack running beside it alone', async () => {
  const reply = await fetch(`${localStack!.baseUrl}${routes.jwks.path}`);
  // serverless-offline answers a handler it cannot load with a 200 too, and an error for body.
  expect({ status: reply.status, body: await reply.text() }).toEqual({ status: 200, body: expect.stringMatching(/^\{"keys":\[\{/) });
});

describe('prod CloudFormation template', () => {
  const tables = Object.values(infra.tables);

  it.each(tables.map((t) => [t.logicalId, t] as const))('declares %s on demand, TTL where the table has one', (id, t) => {
    const table = resources[id];
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    expect(table?.Properties['BillingMode']).toBe('PAY_PER_REQUEST');
    if (t.ttlAttribute) {
      expect(table?.Properties['TimeToLiveSpecification']).toEqual({ AttributeName: t.ttlAttribute, Enabled: true });
    }
  });

  it('keeps the sessions table restorable: losing it would log everyone out', () => {
    const sessions = resources[infra.tables.sessions.logicalId]!;
    expect(sessions.Properties['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('protects the users table from loss', () => {
    const users = resources[infra.tables.users.logicalId]!;
    expect(users.Properties['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(users.Properties['DeletionProtectionEnabled']).toBe(true);
    expect(users.DeletionPolicy).toBe('Retain');
  });

  it('runs every function on nodejs22.x arm64 with prod settings and a packaged artifact', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [, fn] of functions) {
      expect(fn.Properties['Runtime']).toBe('nodejs22.x');
      expect(fn.Properties['Architectures']).toEqual(['arm64']);
      const env = fn.Properties['Environment'].Variables;
      expect(env).toMatchObject({
        SMS_SENDER: 'sns',
        SIGNING_KEY_PARAMETER: '/koodrive-signup/prod/signing-key',
        PUBLIC_KEYS_PARAMETER: '/koodrive-signup/prod/public-keys',
        CODE_KEY_PARAMETER: '/koodrive-signup/prod/code-key',
        CHALLENGE_SECRET_PARAMETER: '/koodrive-signup/prod/challenge-secret',
        SMS_ALLOWED_COUNTRY_CODES: '27,62',
      });
      expect(env).toMatchObject({
        BCRYPT_COST: String(settings.BCRYPT_COST.default),
        CODE_MAX_ATTEMPTS: String(settings.CODE_MAX_ATTEMPTS.default),
      });
      expect(env).not.toHaveProperty('SMS_OUTBOX_FILE');
      expect(env).not.toHaveProperty('SIGNING_KEY_FILE');
      expect(env).not.toHaveProperty('CODE_KEY_FILE');
      expect(env).not.toHaveProperty('CHALLENGE_SECRET_FILE');
      expect(env).not.toHaveProperty('CHALLENGE_VERIFY_URL');
      expect(env).not.toHaveProperty('DYNAMODB_ENDPOINT');
      expect(existsSync(artifactOf(fn))).toBe(true);
      // Only its own bundle ships, with the tracing file it requires where tracing is on
      // (esbuild.config.cjs): no other function's (the local stage's docs one included), and no
      // local keys, outbox or data a local run may have left behind.
      const bundle = bundleOf(fn);
      const xray = `functions/${XRAY_FILE}`;
      expect([...packagedFiles(fn).keys()].sort()).toEqual([bundle, `${bundle}.map`, xray, `${xray}.map`].sort());
    }
  });

  it('routes every API route of infra/routes.cjs, and serves no API docs (/docs, /openapi.json)', () => {
    const routeKeys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => String(r.Properties['RouteKey']));
    const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
    expect(routeKeys).toEqual(expect.arrayContaining(Object.values(routes).map(key)));
    for (const route of Object.values(docsRoutes)) expect(routeKeys).not.toContain(key(route));
    const handlers = ofType('AWS::Lambda::Function').map(([, fn]) => String(fn.Properties['Handler']));
    expect(handlers).not.toContain(docsRoutes.docs.handler);
  });

  it('runs every function under a role of its own, allowed only what that function does', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(Object.fromEntries(functions.map(([, fn]) => [functionName(fn), expect.anything()]))).toEqual(
      Object.fromEntries(Object.keys(expectedGrants).map((name) => [name, expect.anything()])),
    );
    const roles = new Set<string>();
    for (const [, fn] of functions) {
      const name = functionName(fn);
      const [roleId] = fn.Properties['Role']['Fn::GetAtt'] as [string, 'Arn'];
      roles.add(roleId);
      const role = resources[roleId]!;
      expect(role.Type).toBe('AWS::IAM::Role');
      expect(role.Properties['AssumeRolePolicyDocument'].Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
      ]);
      expect(role.Properties['ManagedPolicyArns']).toBeUndefined();
      const statements = roleStatements(role);
      const expected = expectedGrants[name]!;
      expect({ name, statements }).toEqual({ name, statements: expect.arrayContaining(expected) });
      expect({ name, count: statements.length }).toEqual({ name, count: expected.length });
    }
    expect(roles.size).toBe(functions.length);
    // No role beside the functions' own (serverless's shared one included).
    expect(
      ofType('AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual([...roles].sort());
  });

  it('declares the access-token REQUEST authorizer on its Lambda, invocable by API Gateway only', () => {
    const [[, authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.Authorization'],
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
    });
    expect(JSON.stringify(authorizer.Properties['AuthorizerUri'])).toContain('AuthorizerLambdaFunction');
    const permissions = ofType('AWS::Lambda::Permission').map(([, p]) => p.Properties);
    expect(permissions).toContainEqual(
      expect.objectContaining({
        Principal: 'apigateway.amazonaws.com',
        FunctionName: expect.objectContaining({ 'Fn::GetAtt': ['AuthorizerLambdaFunction', 'Arn'] }),
      }),
    );
  });
});

describe('prod edge', () => {
  const prod = stageSettings('prod');

  it('logs every request as one JSON line of ids, route, status and latency: no body, header or phone', () => {
    const stage = resources['HttpApiStage']!;
    const { DestinationArn, Format } = stage.Properties['AccessLogSettings'];
    expect(DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
    expect(resources['HttpApiLogGroup']?.Properties['RetentionInDays']).toBe(prod.logRetentionInDays);
    const fields = JSON.parse(String(Format)) as Record<string, string>;
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      sourceIp: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
    });
    // Only context variables, none of which carries a request's content (HTTP APIs log a header or
    // the body only when named: $request..., $input...; the raw path may carry what a client put in it).
    for (const value of Object.values(fields)) {
      expect(value).toMatch(/^\$context\.[\w.]+$/);
      expect(value).not.toMatch(/authorizer|header|path|querystring|error\.message/i);
    }
  });

  it('throttles the stage, and send-code and login tighter, as infra/stages.cjs says', () => {
    const stage = resources['HttpApiStage']!;
    expect(stage.Properties['DefaultRouteSettings']).toEqual({
      DetailedMetricsEnabled: false,
      ThrottlingRateLimit: prod.throttle.rate,
      ThrottlingBurstLimit: prod.throttle.burst,
    });
    const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
    expect(stage.Properties['RouteSettings']).toEqual({
      [key(routes.sendCode)]: {
        ThrottlingRateLimit: prod.routeThrottle.sendCode!.rate,
        ThrottlingBurstLimit: prod.routeThrottle.sendCode!.burst,
      },
      [key(routes.login)]: { ThrottlingRateLimit: prod.routeThrottle.login!.rate, ThrottlingBurstLimit: prod.routeThrottle.login!.burst },
      // The hosted pages' login runs the same handler, so it gets the same limit (infra/pages.cjs).
      [key(sessionRoutes.login)]: {
        ThrottlingRateLimit: prod.routeThrottle.login!.rate,
        ThrottlingBurstLimit: prod.routeThrottle.login!.burst,
      },
    });
    expect(prod.routeThrottle.sendCode!.rate).toBeLessThan(prod.throttle.rate);
    expect(prod.routeThrottle.login!.rate).toBeLessThan(prod.throttle.rate);
    // Route settings may only name routes that exist already.
    const routeIds = ofType('AWS::ApiGatewayV2::Route')
      .filter(([, r]) => [key(routes.sendCode), key(routes.login), key(sessionRoutes.login)].includes(String(r.Properties['RouteKey'])))
      .map(([id]) => id);
    expect(routeIds).toHaveLength(3);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  // The functions that hash or compare a password, read from what ships: their packaged source maps.
  const shipsBcrypt = (fn: Resource) => {
    const sources: string[] = JSON.parse(String(packagedFiles(fn).get(`${bundleOf(fn)}.map`))).sources;
    return sources.some((source) => /node_modules\/bcryptjs\//.test(source));
  };

  it('sees bcrypt where a password is hashed or compared, and nowhere else', () => {
    const bcryptBound = ofType('AWS::Lambda::Function')
      .filter(([, fn]) => shipsBcrypt(fn))
      .map(([, fn]) => functionName(fn));
    expect(bcryptBound.sort()).toEqual(['accountSession', 'login', 'passwordModify', 'passwordReset', 'phoneModify', 'register']);
  });

  it('runs the functions that ship bcrypt at one vCPU, and reserves concurrency for (and caps) them only', () => {
    const reservations: Record<string, number | undefined> = prod.reservedConcurrency;
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const name = functionName(fn);
      const hashes = shipsBcrypt(fn);
      expect({ name, memory: fn.Properties['MemorySize'] }).toEqual({ name, memory: hashes ? 1769 : 1024 });
      expect({ name, reserved: fn.Properties['ReservedConcurrentExecutions'] }).toEqual({
        name,
        reserved: hashes ? reservations[name] : undefined,
      });
      if (hashes) expect({ name, reserved: reservations[name] }).toEqual({ name, reserved: expect.any(Number) });
    }
    // Lambda refuses reservations that leave an account's default 1,000 fewer than 100 unreserved.
    expect(Object.values(reservations).reduce((sum: number, n) => sum + (n ?? 0), 0)).toBeLessThanOrEqual(900);
  });

  it("lets the alarm topic take publishes over TLS only, from this account's alarms", () => {
    const [[, policy]] = ofType('AWS::SNS::TopicPolicy') as [[string, Resource]];
    expect(policy.Properties['Topics']).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(policy.Properties['PolicyDocument'].Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
      ]),
    );
  });

  it('keeps the deployment bucket private and versioned', () => {
    const bucket = resources['ServerlessDeploymentBucket']!;
    expect(bucket.Properties['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties['LifecycleConfiguration'].Rules).toContainEqual(
      expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
    );
  });
});

describe("AWS Control Tower's proactive rules (cfn-guard) over the prod template", () => {
  let report: GuardReport;
  beforeAll(() => {
    report = runGuard(join(out, 'cloudformation-template-update-stack.json'));
  }, 60_000);
  // Logical ids are letters and digits: a pattern's * is the only special character.
  const covers = (patterns: readonly string[], id: string) => patterns.some((p) => new RegExp(`^${p.split('*').join('.*')}$`).test(id));

  it('are read: the template meets some and is judged by every one that applies', () => {
    expect(report.passed.length).toBeGreaterThan(5);
    expect(report.passed).toEqual(expect.arrayContaining(['api_gw_v2_access_logs_enabled_check', 's3_bucket_versioning_enabled_check']));
  });

  it('fail only where infra/guard-exceptions.cjs accepts it, on the resources it names', () => {
    const unaccepted = Object.entries(report.failed).flatMap(([rule, ids]) =>
      ids.filter((id) => !covers(guardExceptions[rule]?.resources ?? [], id)).map((id) => `${rule} on ${id}`),
    );
    expect(unaccepted).toEqual([]);
  });

  it('accept nothing that no longer fails', () => {
    expect(Object.keys(guardExceptions).filter((rule) => !(rule in report.failed))).toEqual([]);
  });
});

describe('prod observability', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const watched = (namespace: string, metricName: string) =>
    alarms().flatMap((a) =>
      (a['Metrics'] as any[]).filter((m) => m.MetricStat?.Metric.Namespace === namespace && m.MetricStat.Metric.MetricName === metricName),
    );

  it('traces every function with X-Ray, allowed to write traces, and emits metrics', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties['TracingConfig']).toEqual({ Mode: 'Active' });
      expect(fn.Properties['Environment'].Variables).toMatchObject({
        POWERTOOLS_TRACE_ENABLED: 'true',
        POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
        POWERTOOLS_METRICS_DISABLED: 'false',
        POWERTOOLS_METRICS_NAMESPACE: infraMetrics.metricsNamespace('koodrive-signup', 'prod'),
      });
    }
    for (const [, role] of ofType('AWS::IAM::Role')) expect(roleStatements(role)).toContainEqual(XRAY);
  });

  it('alarms on the HTTP API 5xx rate, throttles and SMS sends, each notifying the alarm topic', () => {
    expect(resources['AlarmTopic']?.Type).toBe('AWS::SNS::Topic');
    expect(alarms().length).toBeGreaterThanOrEqual(5);
    for (const alarm of alarms()) {
      expect(alarm['AlarmActions']).toEqual([{ Ref: 'AlarmTopic' }]);
      expect(alarm['TreatMissingData']).toBe('notBreaching');
      expect((alarm['Metrics'] as any[]).filter((m) => m.MetricStat).length).toBeLessThanOrEqual(10); // CloudWatch's limit
      // Every resource an alarm names is in the template (serverless's logical ids).
      for (const ref of JSON.stringify(alarm).matchAll(/"Ref":"(\w+)"/g)) expect(resources).toHaveProperty([ref[1]!]);
    }
    expect(watched('AWS/ApiGateway', '5xx')).toEqual([
      expect.objectContaining({
        MetricStat: expect.objectContaining({
          Metric: expect.objectContaining({ Dimensions: [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }] }),
        }),
      }),
    ]);
    expect(watched('AWS/ApiGateway', 'Count')).toHaveLength(1);
    // Every function's throttles, every table's throttle events.
    const dimension = (m: any) => m.MetricStat.Metric.Dimensions[0].Value;
    expect(watched('AWS/Lambda', 'Throttles').map(dimension)).toEqual(
      Object.keys(functionsFor('prod')).map((f) => ({ Ref: expect.stringMatching(new RegExp(`^${f}LambdaFunction$`, 'i')) })),
    );
    for (const kind of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      expect(watched('AWS/DynamoDB', kind).map(dimension)).toEqual(Object.values(infra.tables).map((t) => ({ Ref: t.logicalId })));
    }
  });

  it('raises the SMS budget alarm at the first send a spent budget refuses, of a country or of the service', () => {
    const [fn] = ofType('AWS::Lambda::Function');
    const env = fn![1].Properties['Environment'].Variables;
    const spent = watched(env.POWERTOOLS_METRICS_NAMESPACE, infraMetrics.metricNames.smsBudgetSpent);
    expect(spent.map((m) => m.MetricStat.Metric.Dimensions)).toEqual(
      ['country', 'service'].map((budget) => [
        { Name: infraMetrics.SERVICE_DIMENSION, Value: env.POWERTOOLS_SERVICE_NAME },
        { Name: infraMetrics.BUDGET_DIMENSION, Value: budget },
      ]),
    );
    const alarm = resources['SmsBudgetAlarm']!.Properties;
    expect(alarm).toMatchObject({
      AlarmName: 'koodrive-signup-prod-sms-budget-spent',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    const returned = (alarm['Metrics'] as any[]).filter((m) => m.ReturnData);
    expect(returned).toEqual([expect.objectContaining({ Expression: 'FILL(country, 0) + FILL(service, 0)' })]);
  });

  it('watches the CodesSent metric where the functions write it', () => {
    const [fn] = ofType('AWS::Lambda::Function');
    const env = fn![1].Properties['Environment'].Variables;
    const [sms] = watched(env.POWERTOOLS_METRICS_NAMESPACE, infraMetrics.metricNames.codesSent);
    expect(sms?.MetricStat.Metric.Dimensions).toEqual([{ Name: infraMetrics.SERVICE_DIMENSION, Value: env.POWERTOOLS_SERVICE_NAME }]);
  });
});

describe.each([
  ['dev', true],
  ['local', false],
])('the %s stage', (stage, tracing) => {
  let config: {
    provider: { tracing?: { lambda?: boolean } };
    functions: Record<string, { reservedConcurrency?: number }>;
    resources: { Resources: Record<string, Resource> };
  };
  beforeAll(() => {
    config = JSON.parse(runServerless(['print', '--stage', stage, '--format', 'json']));
  }, 60_000);

  it(`has no alarms, and tracing ${tracing ? 'on' : 'off'}`, () => {
    const types = Object.values(config.resources.Resources).map((r) => r.Type);
    expect(types).toContain('AWS::DynamoDB::Table');
    expect(types.filter((t) => t.startsWith('AWS::CloudWatch') || t.startsWith('AWS::SNS'))).toEqual([]);
    expect(config.provider.tracing?.lambda).toBe(tracing);
  });

  it('reserves no concurrency: a new account could not spare it', () => {
    for (const fn of Object.values(config.functions)) expect(fn.reservedConcurrency).toBeUndefined();
  });
});

/** A function's packaged zip, as its template names it. */
const artifactOf = (fn: Resource) => join(out, String(fn.Properties['Code'].S3Key).split('/').pop()!);
/** A function's bundle inside its zip. */
const bundleOf = (fn: Resource) => `functions/${basename(String(fn.Properties['Handler']).replace(/\.handler$/, ''))}.js`;

/** The files of a function's packaged zip by name, unpacked once. */
const unpacked = new Map<string, Map<string, Buffer>>();
function packagedFiles(fn: Resource): Map<string, Buffer> {
  const file = artifactOf(fn);
  let files = unpacked.get(file);
  if (!files) unpacked.set(file, (files = zipFiles(file)));
  return files;
}

/** The files of a zip by name, read through its central directory (found through the end record). */
function zipFiles(file: string): Map<string, Buffer> {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  const files = new Map<string, Buffer>();
  for (let i = 0, at = zip.readUInt32LE(end + 16); i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    files.set(zip.toString('utf8', at + 46, at + 46 + nameLength), method === 8 ? inflateRawSync(data) : data);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return files;
}

// Credentials that work nowhere: should the refusal ever break, the command fails at AWS's door.
const NO_AWS = {
  AWS_ACCESS_KEY_ID: 'invalid',
  AWS_SECRET_ACCESS_KEY: 'invalid',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const refusal = (args: string[], env: Record<string, string> = {}) => {
  try {
    runServerless(args, { ...NO_AWS, ...env });
    return 'ran';
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}`;
  }
};

describe('the local stage', () => {
  it.each([[['deploy']], [['deploy', 'function', '-f', 'jwks']], [['package']]])(
    'refuses %j (it is the default stage): nothing is built or sent to AWS',
    (args) => {
      expect(refusal(args)).toMatch(/stage "local" runs on this machine only/);
    },
    60_000,
  );

  it('lets other commands through, even with "deploy" among their arguments', () => {
    expect(refusal(['print', '--format', 'json', '--path', 'provider.stage', '--param', 'x=deploy'])).toBe('ran');
  }, 60_000);
});

describe('a deployed stage', () => {
  it.each([[['package', '--stage', 'prod']], [['deploy', '--stage', 'dev']]])(
    'refuses %j unless told where codes may go (SMS_ALLOWED_COUNTRY_CODES): nothing is built or sent to AWS',
    (args) => {
      expect(refusal(args, { SMS_ALLOWED_COUNTRY_CODES: '' })).toMatch(/set SMS_ALLOWED_COUNTRY_CODES to deploy/);
    },
    60_000,
  );

  it('prints its settings without it', () => {
    expect(refusal(['print', '--stage', 'prod', '--format', 'json', '--path', 'provider.stage'], { SMS_ALLOWED_COUNTRY_CODES: '' })).toBe(
      'ran',
    );
  }, 60_000);
});
