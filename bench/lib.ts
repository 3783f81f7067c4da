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

/** Ranks 1..n of `values`, ties given their average rank, and the size of each group of ties. */
function ranks(values: number[]): { ranks: number[]; tieSizes: number[] } {
  const sorted = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const result = new Array<number>(values.length).fill(0);
  const tieSizes: number[] = [];
  let group: typeof sorted = [];
  const close = (end: number) => {
    const rank = end - (group.length - 1) / 2; // the average of ranks end-len+1 .. end
    for (const { index } of group) result[index] = rank;
    tieSizes.push(group.length);
    group = [];
  };
  sorted.forEach((entry, i) => {
    if (group.length > 0 && group[0]?.value !== entry.value) close(i);
    group.push(entry);
  });
  if (group.length > 0) close(sorted.length);
  return { ranks: result, tieSizes };
}

/** The standard normal CDF (Abramowitz & Stegun 7.1.26, error < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Two-sided Mann-Whitney U test of "a and b come from one distribution": the normal approximation
 * with the tie correction and a continuity correction, good for samples of 20 or more each.
 */
export function mannWhitney(a: number[], b: number[]): { u: number; z: number; p: number } {
  const n1 = a.length;
  const n2 = b.length;
  const n = n1 + n2;
  const { ranks: r, tieSizes } = ranks([...a, ...b]);
  const rankSumA = r.slice(0, n1).reduce((sum, x) => sum + x, 0);
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const ties = tieSizes.reduce((sum, t) => sum + t ** 3 - t, 0);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1))));
  const deviation = Math.abs(u - (n1 * n2) / 2);
  const z = sigma === 0 ? 0 : Math.max(0, deviation - 0.5) / sigma;
  return { u, z, p: Math.min(1, 2 * (1 - normalCdf(z))) };
}

/**
 * Two-sided permutation test of the difference of medians: the share of `rounds` random
 * relabellings of the pooled samples whose difference is at least the observed one.
 */
export function permutationP(a: number[], b: number[], rounds = 10_000): number {
  const observed = Math.abs(median(a) - median(b));
  const pooled = [...a, ...b];
  let asExtreme = 0;
  for (let round = 0; round < rounds; round++) {
    for (let i = pooled.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      const swapped = pooled[i] ?? 0;
      pooled[i] = pooled[j] ?? 0;
      pooled[j] = swapped;
    }
    if (Math.abs(median(pooled.slice(0, a.length)) - median(pooled.slice(a.length))) >= observed) asExtreme++;
  }
  return (asExtreme + 1) / (rounds + 1);
}

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
