// What Lambda sets for a function with active tracing, as far as Powertools Tracer and the X-Ray SDK
// look: for running a bundle in a plain process (tests, benchmarks) with its segments sent to a
// UDP socket standing in for the X-Ray daemon.
import lambdaRuntime from './lambda-context.cjs';

export const { newTraceRoot } = lambdaRuntime;

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
    _X_AMZN_TRACE_ID: lambdaRuntime.traceHeader(options.root),
    AWS_XRAY_DAEMON_ADDRESS: options.daemonAddress,
  };
}
