// @ts-check
// CloudWatch alarms and the SNS topic they notify, in stages whose settings say `alarms`
// (infra/stages.cjs: prod). serverless.yml merges them into its resources
// (`${file(infra/alarms.cjs)}`); elsewhere this is empty. Plain CommonJS so the Serverless CLI can
// load it as is.
//
// Subscribe someone at deploy with ALARM_EMAIL (they confirm by the link AWS mails them), or
// anything else to the AlarmTopicArn output. Every threshold below can be overridden at deploy by
// its environment variable, e.g. `ALARM_SMS_PER_5_MIN=400 npx serverless deploy --stage prod`.
'use strict';

const { stageSettings } = require('./stages.cjs');
const { tables } = require('./tables.cjs');
const { functionsFor, lambdaLogicalId } = require('./functions.cjs');
const { metricNames, metricsNamespace, BUDGET_DIMENSION, SERVICE_DIMENSION } = require('./metrics.cjs');

/** Alarm thresholds, each with why it is where it is. Counts are per 5-minute period. */
const thresholds = Object.freeze({
  // Percentage of requests answered 5xx. The service answers 5xx only when DynamoDB is unavailable
  // (503) or on a bug (500): normally never. Clients retry, so a blip of a few failures is not an
  // incident; 5% in two of three periods is.
  ALARM_5XX_PERCENT: 5,
  // Below this many requests in a period the 5xx rate is not judged: at night, one failure among
  // a handful of requests would read as 20% and page someone for a client's bad luck.
  ALARM_5XX_MIN_REQUESTS: 20,
  // Invocations Lambda refused, over all functions: the account's concurrency is used up and
  // clients get errors. A burst can cause one or two; five in 5 minutes means raise the quota
  // (or find who floods the API).
  ALARM_LAMBDA_THROTTLES: 5,
  // DynamoDB throttle events over the tables. On-demand tables throttle when traffic more than
  // doubles its previous peak quickly; the SDK retries absorb a few (each retry counts here), so
  // alarm only when there are enough to turn into 503s.
  ALARM_DYNAMODB_THROTTLES: 25,
  // Codes sent (each one an SMS, paid for). SMS pumping sends codes to premium numbers from many
  // IPs at once, each within the per-phone and per-IP limits, and shows as a jump in volume. 100
  // in 5 minutes (1,200 an hour) is far above the sign-ups of a young service and costs little if
  // an attack stops there; set it to about three times your busiest 5 minutes once you know them.
  ALARM_SMS_PER_5_MIN: 100,
  // Sends refused because the SMS budget of a country or of the whole service was spent
  // (SMS_MAX_PER_COUNTRY_PER_HOUR, SMS_MAX_PER_HOUR). One is enough: either budget spent stops every
  // sender in its scope, honest ones too, until the hour ends, and is what pumping runs into.
  ALARM_SMS_BUDGET_SPENT: 1,
});

const PERIOD_SECONDS = 300;
// CloudWatch: an alarm's metric math may read at most 10 metrics.
const MAX_METRICS_PER_ALARM = 10;

/** The thresholds, with the deployer's overrides; a bad override stops the deploy. */
function resolvedThresholds(env = process.env) {
  /** @type {Record<string, number>} */
  const resolved = {};
  for (const [name, fallback] of Object.entries(thresholds)) {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
    resolved[name] = value;
  }
  return /** @type {Record<keyof typeof thresholds, number>} */ (resolved);
}

/** @typedef {Record<string, unknown>} Resource  a CloudFormation resource, output or property bag */
/** @typedef {{ Id: string } & Resource} MetricQuery */

/**
 * One metric of an alarm's metric math, summed over the period.
 * @param {string} id @param {string} namespace @param {string} name @param {Record<string, unknown>} dimensions
 * @returns {MetricQuery}
 */
const metric = (id, namespace, name, dimensions) => ({
  Id: id,
  ReturnData: false,
  MetricStat: {
    Metric: { Namespace: namespace, MetricName: name, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) },
    Period: PERIOD_SECONDS,
    Stat: 'Sum',
  },
});

/**
 * An alarm that fires with the notification topic, and says so when it recovers.
 * @param {string} name @param {string} description @param {Resource} properties
 * @returns {{ Type: string, Properties: Resource }}
 */
const alarm = (name, description, properties) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmName: name,
    AlarmDescription: description,
    AlarmActions: [{ Ref: 'AlarmTopic' }],
    OKActions: [{ Ref: 'AlarmTopic' }],
    // Every alarm here counts bad things: no data means none happened.
    TreatMissingData: 'notBreaching',
    ...properties,
  },
});

/**
 * Alarms on the sum of `metrics` reaching `threshold` in a period; one per 10 metrics.
 * @param {string} logicalId @param {string} name @param {string} description @param {MetricQuery[]} metrics @param {number} threshold
 */
function sumAlarms(logicalId, name, description, metrics, threshold) {
  /** @type {Record<string, ReturnType<typeof alarm>>} */
  const resources = {};
  for (let start = 0, part = 1; start < metrics.length; start += MAX_METRICS_PER_ALARM, part++) {
    const chunk = metrics.slice(start, start + MAX_METRICS_PER_ALARM);
    const suffix = part === 1 ? '' : String(part);
    resources[`${logicalId}${suffix}`] = alarm(`${name}${suffix && `-${suffix}`}`, description, {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: threshold,
      EvaluationPeriods: 1,
      Metrics: [...chunk, { Id: 'total', Label: name, ReturnData: true, Expression: `SUM([${chunk.map((m) => m.Id).join(', ')}])` }],
    });
  }
  return resources;
}

/** The topic the alarms notify, with `email` subscribed when given. @param {string} prefix @param {string | undefined} email */
const alarmTopic = (prefix, email) => ({
  // Not KMS-encrypted: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and
  // alarm notifications hold nothing secret.
  AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `${prefix}-alarms`, DisplayName: `${prefix} alarms` } },
  // Replaces the topic's default policy: CloudWatch alarms of this account may publish, and no one
  // may publish without TLS. The account's own principals act through their IAM policies.
  AlarmTopicPolicy: {
    Type: 'AWS::SNS::TopicPolicy',
    Properties: {
      Topics: [{ Ref: 'AlarmTopic' }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: 'AlarmTopic' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${prefix}-*` },
              },
            },
          },
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: { Ref: 'AlarmTopic' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  },
  ...(email
    ? {
        AlarmEmailSubscription: {
          Type: 'AWS::SNS::Subscription',
          Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: email },
        },
      }
    : {}),
});

/** @typedef {ReturnType<typeof resolvedThresholds>} Thresholds */

/** The share of HTTP API requests answered 5xx, judged only in periods with enough requests. @param {string} prefix @param {Thresholds} threshold */
function api5xxRateAlarm(prefix, threshold) {
  const api = { ApiId: { Ref: 'HttpApi' } };
  return alarm(
    `${prefix}-api-5xx-rate`,
    `More than ${threshold.ALARM_5XX_PERCENT}% of API requests answered 5xx (storage unavailable or a bug): see the functions' error logs.`,
    {
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: threshold.ALARM_5XX_PERCENT,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Metrics: [
        metric('requests', 'AWS/ApiGateway', 'Count', api),
        metric('errors', 'AWS/ApiGateway', '5xx', api),
        {
          Id: 'rate',
          Label: '5xx, % of requests',
          ReturnData: true,
          Expression: `IF(requests >= ${threshold.ALARM_5XX_MIN_REQUESTS}, 100 * FILL(errors, 0) / requests, 0)`,
        },
      ],
    },
  );
}

/** Invocations Lambda refused, over the stage's functions. @param {string} prefix @param {string} stage @param {Thresholds} threshold */
function lambdaThrottlesAlarms(prefix, stage, threshold) {
  const throttles = Object.keys(functionsFor(stage)).map((fn, i) =>
    metric(`f${i}`, 'AWS/Lambda', 'Throttles', { FunctionName: { Ref: lambdaLogicalId(fn) } }),
  );
  return sumAlarms(
    'LambdaThrottlesAlarm',
    `${prefix}-lambda-throttles`,
    'Lambda refused invocations: concurrency used up (raise the quota, or find who floods the API).',
    throttles,
    threshold.ALARM_LAMBDA_THROTTLES,
  );
}

/** Reads and writes DynamoDB throttled, over the service's tables. @param {string} prefix @param {Thresholds} threshold */
function dynamoDbThrottlesAlarms(prefix, threshold) {
  const throttles = Object.values(tables).flatMap((table, i) =>
    ['ReadThrottleEvents', 'WriteThrottleEvents'].map((name) =>
      metric(`${name.startsWith('Read') ? 'r' : 'w'}${i}`, 'AWS/DynamoDB', name, { TableName: { Ref: table.logicalId } }),
    ),
  );
  return sumAlarms(
    'DynamoDbThrottlesAlarm',
    `${prefix}-dynamodb-throttles`,
    'DynamoDB throttled requests to the service tables: expect 503s (sudden traffic, or a hot key).',
    throttles,
    threshold.ALARM_DYNAMODB_THROTTLES,
  );
}

/**
 * Verification codes sent, from the service's own metric: SMS pumping shows as a jump.
 * @param {string} prefix @param {string} service @param {string} stage @param {Thresholds} threshold
 */
function smsSpikeAlarm(prefix, service, stage, threshold) {
  const sent = metric('sent', metricsNamespace(service, stage), metricNames.codesSent, { [SERVICE_DIMENSION]: service });
  return alarm(
    `${prefix}-sms-spike`,
    `More than ${threshold.ALARM_SMS_PER_5_MIN} verification codes sent in 5 minutes: possible SMS pumping (toll fraud). Check where the sends come from; lower the SMS limits or the SNS spending limit.`,
    {
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: threshold.ALARM_SMS_PER_5_MIN,
      EvaluationPeriods: 1,
      Metrics: [{ ...sent, ReturnData: true }],
    },
  );
}

/**
 * Sends refused by a spent SMS budget, of a country or of the whole service (lib/domain/verification.ts).
 * @param {string} prefix @param {string} service @param {string} stage @param {Thresholds} threshold
 */
function smsBudgetAlarm(prefix, service, stage, threshold) {
  const spent = ['country', 'service'].map((budget) =>
    metric(budget, metricsNamespace(service, stage), metricNames.smsBudgetSpent, {
      [SERVICE_DIMENSION]: service,
      [BUDGET_DIMENSION]: budget,
    }),
  );
  return alarm(
    `${prefix}-sms-budget-spent`,
    'An SMS budget is spent (SMS_MAX_PER_COUNTRY_PER_HOUR or SMS_MAX_PER_HOUR): sends in its scope are refused until the hour ends. Likely SMS pumping: see the "SMS budget spent" warnings for the country, and docs/SECURITY.md.',
    {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: threshold.ALARM_SMS_BUDGET_SPENT,
      EvaluationPeriods: 1,
      Metrics: [
        ...spent,
        { Id: 'spent', Label: 'sends refused by a spent SMS budget', ReturnData: true, Expression: 'FILL(country, 0) + FILL(service, 0)' },
      ],
    },
  );
}

/**
 * The alarms, their topic and its optional e-mail subscription.
 * @param {{ service: string, stage: string, email?: string, env?: NodeJS.ProcessEnv }} options
 */
function alarmResources({ service, stage, email, env }) {
  const threshold = resolvedThresholds(env);
  const prefix = `${service}-${stage}`;
  return {
    Resources: {
      ...alarmTopic(prefix, email),
      Api5xxRateAlarm: api5xxRateAlarm(prefix, threshold),
      ...lambdaThrottlesAlarms(prefix, stage, threshold),
      ...dynamoDbThrottlesAlarms(prefix, threshold),
      SmsSpikeAlarm: smsSpikeAlarm(prefix, service, stage, threshold),
      SmsBudgetAlarm: smsBudgetAlarm(prefix, service, stage, threshold),
    },
    Outputs: {
      AlarmTopicArn: { Description: 'SNS topic of the CloudWatch alarms: subscribe to be told', Value: { Ref: 'AlarmTopic' } },
    },
  };
}

/**
 * Serverless variable resolver entry point: `${file(infra/alarms.cjs)}`, a `resources` entry.
 * @param {import('./stages.cjs').VariableResolver} serverless
 */
async function forServerless({ resolveVariable }) {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  if (!stageSettings(stage).alarms) return {};
  return alarmResources({ service, stage, email: process.env.ALARM_EMAIL || undefined });
}

module.exports = forServerless;
module.exports.thresholds = thresholds;
module.exports.alarmResources = alarmResources;
