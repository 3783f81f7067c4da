// @ts-check
// The one declaration of the service's own CloudWatch metrics: the functions emit them
// (lib/observability/metrics.ts, as Embedded Metric Format log lines), infra/environment.cjs names
// their namespace for the functions, and infra/alarms.cjs watches them. Plain CommonJS so the
// Serverless CLI can load it as is.
'use strict';

const metricNames = Object.freeze({
  /** A registration answered 200. */
  signUps: 'SignUps',
  /** A verification code handed to the SMS sender: one SMS, paid for. */
  codesSent: 'CodesSent',
  /** A send answered like one, but texted to nobody: the flow it is for cannot succeed (docs/API.md §2.1). */
  codesSuppressed: 'CodesSuppressed',
  /** A send refused because a budget for many phones is spent (dimension `Budget`: country or service). */
  smsBudgetSpent: 'SmsBudgetSpent',
  /** An answer with a non-zero code, by its API error code (dimension `ErrorCode`). */
  failures: 'Failures',
  /** A 429 (the service's own limits) or a 503 because DynamoDB throttled a request or a transaction's item; by `ErrorCode` too. */
  throttles: 'Throttles',
});

/** The docs/API.md §5 error code of a failure: a bounded set, never anything per request. */
const ERROR_CODE_DIMENSION = 'ErrorCode';

/** Which SMS budget a `SmsBudgetSpent` is of: `country` or `service`, never which country. */
const BUDGET_DIMENSION = 'Budget';

/** Powertools adds this dimension to every metric, valued POWERTOOLS_SERVICE_NAME. */
const SERVICE_DIMENSION = 'service';

/**
 * One namespace per service and stage: dev and prod deployed to one account must not add up.
 * @param {string} service @param {string} stage
 */
const metricsNamespace = (service, stage) => `${service}/${stage}`;

module.exports = { metricNames, ERROR_CODE_DIMENSION, BUDGET_DIMENSION, SERVICE_DIMENSION, metricsNamespace };
