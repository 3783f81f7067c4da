// The service's business metrics (infra/metrics.cjs), written as CloudWatch Embedded Metric Format
// log lines by Powertools Metrics: one line per invocation at most, flushed by the endpoint chain.
// Namespace and service come from the environment (POWERTOOLS_METRICS_NAMESPACE,
// POWERTOOLS_SERVICE_NAME); where the stage has no metrics, POWERTOOLS_METRICS_DISABLED=true keeps
// the lines out of the log. Dimensions are bounded sets only: never a phone, id, IP or token.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import infra from '../../infra/metrics.cjs';
import type { ApiError } from '../errors';
import { logger } from '../logger';

const { metricNames } = infra;

/** What an endpoint counts when it answers 200. */
export type SuccessMetric = (typeof metricNames)['signUps' | 'codesSent' | 'codesSuppressed'];

// Its own warnings (a bad dimension, say) go to the structured log, with the request's trace id.
export const metrics = new Metrics({ logger });

export function countSuccess(metric: SuccessMetric): void {
  metrics.addMetric(metric, MetricUnit.Count, 1);
}

/**
 * A send refused because the SMS budget of a country or of the service is spent: what the SMS
 * budget alarm watches (infra/alarms.cjs). A metric of its own, flushed at once, so that the
 * refusal's ErrorCode dimension (countFailure) does not join it.
 */
export function countBudgetSpent(budget: 'country' | 'service'): void {
  const single = metrics.singleMetric();
  single.addDimension(infra.BUDGET_DIMENSION, budget);
  single.addMetric(metricNames.smsBudgetSpent, MetricUnit.Count, 1);
}

/**
 * One refused or failed request, by its API error code. `throttled`: the answer says "slow down"
 * (429, or a 503 because storage throttled), also counted as a throttle.
 */
export function countFailure(error: ApiError, throttled: boolean): void {
  metrics.addDimension(infra.ERROR_CODE_DIMENSION, String(error.code));
  metrics.addMetric(metricNames.failures, MetricUnit.Count, 1);
  if (throttled) metrics.addMetric(metricNames.throttles, MetricUnit.Count, 1);
}

/**
 * Writes what the invocation counted, once, as it ends. Not Powertools' logMetrics: that one also
 * flushes invocations that counted nothing, and warns about each (most of them: logins, refreshes).
 */
export const flushMetrics = (): middy.MiddlewareObj => {
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
};
