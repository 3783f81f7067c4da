// What the benchmarks share beyond the fixture kit (tests/kit/): statistics, the machine line, the
// service in this process as benchmarks want it, and handler invocations built before the clock
// starts.
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { NO_LOGIN_LOCKOUT, NO_SEND_LIMITS } from '../tests/kit/env';
import { httpEvent, lambdaContext, type EventOptions } from '../tests/kit/invoke';
import { inProcessService, type InProcessService } from '../tests/kit/service';

export type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
export interface HttpResult {
  statusCode: number;
  body: string;
}

// ---- statistics -------------------------------------------------------------------------------

/** Nearest-rank percentile (the value below which p% of the samples fall); NaN for no samples. */
export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
export const median = (values: number[]): number => percentile(values, 50);
export const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export const stats = (values: number[]): Stats => ({
  n: values.length,
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
  mean: mean(values),
  max: Math.max(...values),
});

// ---- the machine ------------------------------------------------------------------------------

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  memoryGiB: number;
  /** 1-minute load average when asked: other work on the machine skews every figure. */
  load: number;
}

export const machine = (): Machine => ({
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  memoryGiB: totalmem() / 2 ** 30,
  load: loadavg()[0] ?? 0,
});

export const machineLine = (m: Machine = machine()): string =>
  `machine: ${m.cpu} x${m.cores}, node ${m.node}, ${m.memoryGiB.toFixed(0)} GiB, load ${m.load.toFixed(2)}`;

// ---- the service ------------------------------------------------------------------------------

/**
 * The service in this process (tests/kit/service.ts) on the stack's environment with the sender
 * limits and the login lockout off, so that one phone prefix can mint as many tokens and log in as
 * often as a benchmark needs, and `overrides` on top. Codes are kept in memory, not in the outbox.
 */
export const benchService = (overrides: Record<string, string> = {}): Promise<InProcessService> =>
  inProcessService({ env: { ...NO_SEND_LIMITS, ...NO_LOGIN_LOCKOUT, ...overrides }, sms: 'captured' });

/** Request headers of a client holding `accessToken`. */
export const authorized = (accessToken: string) => ({
  'x-hw-agentName': 'bench',
  'Content-Type': 'application/json',
  Authorization: accessToken,
});

/** Runs fn(0..count-1) with at most `concurrency` in flight; results in order. */
export async function pool<T>(count: number, concurrency: number, fn: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) results[i] = await fn(i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

// ---- timing -----------------------------------------------------------------------------------

/** An event and context built up front, so that a timing holds the handler and nothing else. */
export const invocation = (options: EventOptions) => ({ event: httpEvent(options), context: lambdaContext() });

/** Milliseconds one call of `handler` takes; throws unless it answers 200 (after the clock stops). */
export async function timeHandler(handler: Handler, options: EventOptions): Promise<number> {
  const { event, context } = invocation(options);
  const t = performance.now();
  const result = (await handler(event, context)) as HttpResult;
  const elapsed = performance.now() - t;
  if (result.statusCode !== 200) throw new Error(`handler answered ${result.statusCode}: ${result.body}`);
  return elapsed;
}

export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Wall-clock epoch milliseconds with sub-millisecond resolution, comparable across processes. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** Progress on stderr, so that stdout holds the results only. */
const started = performance.now();
export const progress = (message: string): void => {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}\n`);
};

export const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
};
