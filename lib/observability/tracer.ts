// X-Ray traces through Powertools Tracer, where the stage turns tracing on (infra/stages.cjs, as
// POWERTOOLS_TRACE_ENABLED): a subsegment per invocation and one per AWS SDK call.
//
// Loaded only there (lib/observability/xray.ts, a file of its own in the bundles): the tracer brings
// the X-Ray SDK (about 80 KiB), which on load installs a process-wide async hook that every promise
// then pays for. Where tracing is off (the local stage, the tests, the in-process benchmarks) none
// of it is read.
//
// What a trace may hold: no answers (they carry tokens; response capture is off), and the error of
// an invocation only when it is the service's fault (5xx). Refusals (4xx) flag the trace as an
// error without their details (POWERTOOLS_TRACER_CAPTURE_ERROR=false, infra/environment.cjs).
// A traced client's calls record operation and table name, and the X-Ray SDK adds a failed call's
// error message whatever that setting says. So only clients whose messages hold no personal data
// are traced: DynamoDB's name reasons, attributes and placeholders, never a key or item value
// (PHONE#<phone> included; tests/observability.test.ts checks a failed condition on it). SNS's
// can repeat the destination number: its client is not traced (lib/sms/create.ts), and its
// failures reach the invocation's error without that message (SmsSendError, lib/sms/sender.ts).
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type middy from '@middy/core';

interface Tracing {
  tracer: Tracer;
  captureLambdaHandler: typeof import('./xray').captureLambdaHandler;
}

let loading: Promise<Tracing | undefined> | undefined;

/** The container's tracer and its middleware; undefined where tracing is off. Loaded once, from the first call on. */
function loadTracing(): Promise<Tracing | undefined> {
  loading ??=
    process.env['POWERTOOLS_TRACE_ENABLED'] === 'true'
      ? import('./xray').then(({ Tracer, captureLambdaHandler }) => ({
          // The service makes no HTTP calls but AWS SDK ones, captured per client below.
          tracer: new Tracer({ captureHTTPsRequests: false }),
          captureLambdaHandler,
        }))
      : Promise.resolve(undefined);
  return loading;
}

/** The container's tracer; undefined where tracing is off. */
const loadTracer = async (): Promise<Tracer | undefined> => (await loadTracing())?.tracer;

/** `client` with each of its calls recorded as a subsegment, where tracing is on. */
export async function traced<Client>(client: Client): Promise<Client> {
  const tracer = await loadTracer();
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** Marks the invocation's trace with an error that is the service's fault (a 5xx answer). */
export async function recordFault(error: unknown): Promise<void> {
  // The envelope is being built around this call: a tracer that failed to load must not break it.
  const tracer = await loadTracer().catch(() => undefined);
  if (tracer?.isTracingEnabled() && error instanceof Error) tracer.getSegment()?.addError(error);
}

type Phase = 'before' | 'after' | 'onError';

/** Powertools' captureLambdaHandler once the tracer is loaded, without the answer; nothing where tracing is off. */
export function traceInvocation(): middy.MiddlewareObj {
  let capture: Promise<ReturnType<Tracing['captureLambdaHandler']> | undefined> | undefined;
  const phase = (name: Phase) => async (request: middy.Request) => {
    capture ??= loadTracing().then((tracing) => tracing && tracing.captureLambdaHandler(tracing.tracer, { captureResponse: false }));
    await (await capture)?.[name]?.(request);
  };
  return { before: phase('before'), after: phase('after'), onError: phase('onError') };
}
