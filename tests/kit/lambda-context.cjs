// What the Lambda runtime hands a function besides its event, for running handlers outside Lambda:
// the invocation's context object, and the X-Ray trace header it sets where tracing is active.
// Plain CommonJS with no dependencies, so that the function processes started under plain `node`
// (bench/fn-runner.cjs, tests/tools/lambda-process.cjs) load it as well as TypeScript does
// (tests/kit/invoke.ts, tests/kit/traced-lambda-env.ts).
'use strict';

const { randomBytes, randomUUID } = require('node:crypto');

/**
 * A Lambda context for one invocation of the function `name`, with a fresh request id.
 * @param {string} [name]
 */
function lambdaContext(name = 'test') {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: name,
    getRemainingTimeInMillis: () => 10_000,
    // Deprecated, but still members of the Context type.
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** A new X-Ray trace id, of the kind the Lambda runtime makes for every invocation. */
const newTraceRoot = () => `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

/**
 * The `_X_AMZN_TRACE_ID` value of a sampled invocation in the trace `root` (a new one by default).
 * @param {string} [root]
 */
const traceHeader = (root = newTraceRoot()) => `Root=${root};Parent=${randomBytes(8).toString('hex')};Sampled=1`;

module.exports = { lambdaContext, newTraceRoot, traceHeader };
