// What Lambda sets for a function with active tracing, as far as Powertools Tracer and the X-Ray SDK
// look: for running a bundle in a plain process (tests, benchmarks) with its segments sent to a
// UDP socket standing in for the X-Ray daemon.
import { randomBytes } from 'node:crypto';

/** A new X-Ray trace id, of the kind the Lambda runtime makes for every invocation. */
export const newTraceRoot = (): string => `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

export function tracedLambdaEnv(options: {
  taskRoot: string;
  handler: string;
  daemonAddress: string;
  root?: string;
}): Record<string, string> {
  return {
    POWERTOOLS_TRACE_ENABLED: 'true',
    // Set, but not to an AWS_Lambda_ value, which the configuration would take for a deployed stage
    // (and refuse the local key file and DynamoDB endpoint).
    AWS_EXECUTION_ENV: 'test',
    LAMBDA_TASK_ROOT: options.taskRoot,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    _HANDLER: options.handler,
    _X_AMZN_TRACE_ID: `Root=${options.root ?? newTraceRoot()};Parent=53995c3f42cd8ad8;Sampled=1`,
    AWS_XRAY_DAEMON_ADDRESS: options.daemonAddress,
  };
}
