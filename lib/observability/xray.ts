// What tracing loads where the stage traces (lib/observability/tracer.ts): Powertools Tracer, and
// through it the X-Ray SDK. Bundled as a file of its own beside each function's bundle
// (esbuild.config.cjs, `xray.js`), so that functions do not parse its 80 KiB at init; the bundle
// requires it when tracing starts.
export { Tracer } from '@aws-lambda-powertools/tracer';
export { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
