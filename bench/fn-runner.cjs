// A Lambda-like function process for the benchmarks: plain `node`, no tsx, nothing loaded but the
// bundle and what the runtime hands it (tests/kit/lambda-context.cjs, no dependencies). Started by
// bench/processes.ts. Timestamps are milliseconds since this process started
// (performance.now(): its time origin is the process start) or epoch milliseconds for comparing
// processes (performance.timeOrigin + performance.now()).
//
//   node fn-runner.cjs cold <bundle.js> <event.json>
//     requires the bundle, calls handler(event, context) once, prints one `BENCH_RESULT {json}` line
//     and exits. Log lines of the function may come before it.
//   node fn-runner.cjs worker          (with an IPC channel)
//     { type: 'load', bundle }        -> requires the bundle          -> { type: 'loaded' }
//     { type: 'run', events, startAt, stopAt, sampleMemory, gcEvery }
//                                     -> from startAt, calls the handler with each event in turn
//                                        until stopAt (null: no limit) or the events run out;
//                                        memory after every call when sampleMemory, the heap left
//                                        by a full GC every gcEvery calls (needs --expose-gc)
//                                        -> { type: 'done', ... }
//     { type: 'hash', cost, startAt, stopAt } -> bcryptjs hashes only, same loop -> { type: 'done', ... }
'use strict';

const { constants, performance, PerformanceObserver } = require('node:perf_hooks');
const { readFileSync } = require('node:fs');
const { lambdaContext, traceHeader } = require('../tests/kit/lambda-context.cjs');

const epochNow = () => performance.timeOrigin + performance.now();
const sleepUntil = (epoch) => new Promise((resolve) => setTimeout(resolve, Math.max(0, epoch - epochNow())));

/**
 * Where tracing is on, every invocation in a trace of its own, as the Lambda runtime does: the X-Ray
 * SDK keeps one trace's subsegments until the trace id changes.
 */
function nextTrace() {
  if (process.env._X_AMZN_TRACE_ID) process.env._X_AMZN_TRACE_ID = traceHeader();
}

/** An HTTP answer of 200, or an authorizer's yes. */
const succeeded = (result) => Boolean(result) && (result.statusCode === 200 || result.isAuthorized === true);
const describe = (result) => JSON.stringify(result).slice(0, 300);

async function cold(bundle, eventFile) {
  const event = JSON.parse(readFileSync(eventFile, 'utf8'));
  const beforeRequire = performance.now();
  const { handler } = require(bundle);
  const loaded = performance.now();
  const result = await handler(event, lambdaContext('bench'));
  const answered = performance.now();
  const line = JSON.stringify({
    ok: succeeded(result),
    detail: succeeded(result) ? undefined : describe(result),
    beforeRequire,
    loaded,
    answered,
    requireMs: loaded - beforeRequire,
    firstRequestMs: answered - loaded,
  });
  // Keep-alive sockets would hold the process: leave once the line is out.
  process.stdout.write(`BENCH_RESULT ${line}\n`, () => process.exit(0));
}

let handler;

async function run({ events, startAt, stopAt, sampleMemory, gcEvery }) {
  const intervals = [];
  const failures = [];
  const rss = [];
  const heapUsed = [];
  const liveHeap = [];
  const fullGcAfter = [];
  let i = 0;
  // V8's own full collections (not forced ones): between them its old generation grows, garbage included.
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) fullGcAfter.push(i);
  });
  if (sampleMemory) gcObserver.observe({ entryTypes: ['gc'] });
  await sleepUntil(startAt);
  const cpuBefore = process.cpuUsage();
  for (; i < events.length && (stopAt === null || epochNow() < stopAt); i++) {
    nextTrace();
    const start = epochNow();
    const result = await handler(events[i], lambdaContext('bench'));
    intervals.push([start, epochNow()]);
    // The handler parses the body into the event (middy): let go of it, or the harness would
    // keep every request alive and look like a leak.
    events[i] = null;
    if (!succeeded(result)) failures.push(describe(result));
    if (sampleMemory) {
      const usage = process.memoryUsage();
      rss.push(usage.rss);
      heapUsed.push(usage.heapUsed);
    }
    // With --expose-gc: the heap that survives a full collection, every gcEvery calls.
    if (gcEvery && global.gc && (i + 1) % gcEvery === 0) {
      global.gc();
      liveHeap.push(process.memoryUsage().heapUsed);
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  // GC entries arrive asynchronously: let the last ones in.
  await new Promise((resolve) => setImmediate(resolve));
  gcObserver.disconnect();
  return {
    intervals,
    failures,
    rss,
    heapUsed,
    liveHeap,
    fullGcAfter,
    exhausted: i >= events.length,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function hash({ cost, startAt, stopAt }) {
  const bcrypt = require('bcryptjs');
  const intervals = [];
  await bcrypt.hash('warm-up', 4);
  await sleepUntil(startAt);
  const cpuBefore = process.cpuUsage();
  while (epochNow() < stopAt) {
    const start = epochNow();
    await bcrypt.hash('01ASDAa1', cost);
    intervals.push([start, epochNow()]);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  return {
    intervals,
    failures: [],
    rss: [],
    heapUsed: [],
    liveHeap: [],
    fullGcAfter: [],
    exhausted: false,
    maxRssBytes,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

function worker() {
  // The parent gone (crashed, killed): nothing left to do here.
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (message) => {
    try {
      if (message.type === 'load') {
        ({ handler } = require(message.bundle));
        process.send({ type: 'loaded' });
      } else if (message.type === 'run') {
        process.send({ type: 'done', ...(await run(message)) });
      } else if (message.type === 'hash') {
        process.send({ type: 'done', ...(await hash(message)) });
      }
    } catch (error) {
      process.send({ type: 'error', error: String(error && error.stack ? error.stack : error) });
    }
  });
}

const [mode, bundle, eventFile] = process.argv.slice(2);
if (mode === 'cold') {
  cold(bundle, eventFile).catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
    process.exit(1);
  });
} else if (mode === 'worker') {
  worker();
} else {
  process.stderr.write('usage: fn-runner.cjs cold <bundle> <event.json> | worker\n');
  process.exit(2);
}
