// What the benchmarks share: statistics, the machine line, dependencies with a capturing SMS sender,
// captcha tokens and registration bodies minted through the domain, and handler invocations built
// before the clock starts.
import { randomInt } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createDeps, type Deps, type DepsProvider } from '../lib/container';
import { parseConfig } from '../lib/config';
import { sendCode, validateCode } from '../lib/domain/verification';
import { httpEvent, lambdaContext, type EventOptions } from '../tests/kit/invoke';

/** The reference password of SPEC §1: passes the policy, is not on the common list. */
export const PASSWORD = '01ASDAa1';

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

// ---- dependencies -----------------------------------------------------------------------------

/**
 * The stack's environment (startTestStack() puts it in process.env) with the sender limits off,
 * so that one phone prefix can mint as many tokens as a benchmark needs, and `overrides` on top.
 */
export const benchEnv = (overrides: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  SMS_RESEND_COOLDOWN_SECONDS: '0',
  SMS_MAX_PER_PHONE_PER_HOUR: '1000000',
  SMS_MAX_PER_IP_PER_HOUR: '1000000',
  LOGIN_MAX_FAILURES: '1000000',
  ...overrides,
});

export interface Bench {
  deps: Deps;
  provider: DepsProvider;
  /** SMS codes by request id, as the capturing sender got them. */
  codes: Map<string, string>;
}

/** Dependencies built like a container's (createDeps), with an SMS sender that keeps the codes. */
export async function benchDeps(overrides: Record<string, string> = {}): Promise<Bench> {
  const codes = new Map<string, string>();
  const built = await createDeps(parseConfig(benchEnv(overrides)));
  const send = (m: { requestId: string; code: string }) => {
    codes.set(m.requestId, m.code);
    return Promise.resolve();
  };
  const deps: Deps = { ...built, sms: { send } };
  return { deps, provider: () => Promise.resolve(deps), codes };
}

/** Canonical phone numbers nobody else in this run uses: `00` + a 2-digit prefix + 9 digits. */
export class Phones {
  private seq = randomInt(100_000_000, 800_000_000);
  constructor(private readonly prefix: string) {}
  next(): string {
    return `00${this.prefix}${this.seq++}`;
  }
}

/** A code sent through the domain (no HTTP): its request id and the code the sender captured. */
export async function sentCode(bench: Bench, phone: string, codeType: '1' | '2' = '1') {
  const sent = await sendCode(bench.deps, { phone, codeType }, undefined);
  const code = bench.codes.get(sent.requestId);
  if (!code) throw new Error(`no code captured for ${sent.requestId}`);
  bench.codes.delete(sent.requestId);
  return { requestId: sent.requestId, code };
}

/** A client's captcha token for `phone`, minted through the domain (send + validate). */
export async function captchaToken(bench: Bench, phone: string, codeType: '1' | '2' = '1'): Promise<string> {
  const { requestId, code } = await sentCode(bench, phone, codeType);
  return (await validateCode(bench.deps, { requestId, code, codeType })).token;
}

export const registrationBody = (phone: string, token: string) => ({
  firstname: 'Bench',
  phone,
  email: '',
  captchaToken: token,
  password: PASSWORD,
});

/** A registration request ready to send: a fresh phone and a valid captcha token for it. */
export async function preparedRegistration(bench: Bench, phones: Phones) {
  const phone = phones.next();
  return registrationBody(phone, await captchaToken(bench, phone));
}

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
