// @ts-check
// The edge: the HTTP API stage's access log and throttling, and the deployment bucket, from the
// stage's settings (infra/stages.cjs). serverless.yml reads the access log format
// (`${file(infra/edge.cjs):accessLogFormat}`) and merges `extensions` into the resources serverless
// itself creates (`${file(infra/edge.cjs):resources}`). Plain CommonJS so the Serverless CLI can
// load it as is.
'use strict';

const { routes } = require('./routes.cjs');
const { sessionRoutes } = require('./pages.cjs');
const { stageSettings } = require('./stages.cjs');

// serverless's own naming of the resources it creates: the stage, its routes, the bucket.
const naming = require('serverless/lib/plugins/aws/lib/naming');

/**
 * One JSON line per request: who (request id, source IP), what (route, status) and how long
 * (latency, the integration's share). Nothing else: API Gateway's access log can show headers and
 * bodies only when named here, so no Authorization, no phone number (they travel in bodies) and no
 * path beyond the route's template.
 */
const accessLogFormat = JSON.stringify({
  requestId: '$context.requestId',
  sourceIp: '$context.identity.sourceIp',
  requestTime: '$context.requestTimeEpoch',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  responseLength: '$context.responseLength',
});

/** @param {{ rate: number, burst: number }} throttle */
const throttling = (throttle) => ({ ThrottlingRateLimit: throttle.rate, ThrottlingBurstLimit: throttle.burst });

/** The stage's default throttle, and the tighter ones of its routes. @param {string} stage */
function stageThrottling(stage) {
  const settings = stageSettings(stage);
  /** @type {Record<string, ReturnType<typeof throttling>>} */
  const routeSettings = {};
  const routeIds = [];
  for (const [name, throttle] of Object.entries(settings.routeThrottle)) {
    const route = routes[/** @type {keyof typeof routes} */ (name)];
    if (!route || !throttle) throw new Error(`infra/stages.cjs throttles "${name}", which is no route of infra/routes.cjs`);
    // The hosted pages' session route that runs the same handler gets the same limit (infra/pages.cjs).
    const mirrored = Object.values(sessionRoutes).filter((page) => page.mirrors === name);
    for (const { method, path } of [route, ...mirrored]) {
      const key = `${method} ${path}`;
      routeSettings[key] = throttling(throttle);
      routeIds.push(naming.getHttpApiRouteLogicalId(key));
    }
  }
  return {
    Properties: {
      // Replaces serverless's default route settings, which only turn detailed metrics off.
      DefaultRouteSettings: { DetailedMetricsEnabled: false, ...throttling(settings.throttle) },
      RouteSettings: routeSettings,
    },
    // Route settings name routes that must exist first.
    DependsOn: routeIds,
  };
}

// Old artifacts' versions are kept a month, then expire: versioning guards a deploy against an
// overwritten or deleted artifact, not forever.
const NONCURRENT_VERSION_DAYS = 30;

/**
 * What serverless.yml merges into the resources serverless creates.
 * @param {string} stage
 */
function extensions(stage) {
  const bucketArn = { 'Fn::GetAtt': [naming.getDeploymentBucketLogicalId(), 'Arn'] };
  return {
    [naming.getHttpApiStageLogicalId()]: stageThrottling(stage),
    // serverless's own policy, denying every request without TLS, stated with the bucket's ARN
    // and a string condition value, as AWS's rule (CT.S3.PR.8) reads it.
    [naming.getDeploymentBucketPolicyLogicalId()]: {
      Properties: {
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    [naming.getDeploymentBucketLogicalId()]: {
      Properties: {
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'expire-old-artifact-versions',
              Status: 'Enabled',
              NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            },
          ],
        },
      },
    },
  };
}

/**
 * Serverless variable resolver entry point: `${file(infra/edge.cjs):resources}`, a `resources` entry.
 * @param {import('./stages.cjs').VariableResolver} serverless
 */
async function forServerless({ resolveVariable }) {
  const stage = await resolveVariable('sls:stage');
  return { accessLogFormat, resources: { extensions: extensions(stage) } };
}

module.exports = forServerless;
module.exports.accessLogFormat = accessLogFormat;
module.exports.extensions = extensions;
