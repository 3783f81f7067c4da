// Function processes (bench/fn-runner.cjs under plain `node`) and the bookkeeping that ends every one
// of them, whatever happens to the benchmark: each child is tracked until it exits, and whatever is
// left is killed when this process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stageSettings } from '../infra/stages.cjs';
import { stageEnvironment } from '../scripts/lib/local-env';
import { tracedLambdaEnv } from '../tests/kit/traced-lambda-env';

export const RUNNER = join(__dirname, 'fn-runner.cjs');

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kills every child still running (synchronous: safe in an 'exit' handler). */
export function killChildren(): void {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}
process.once('exit', killChildren);

export const runningChildren = (): number[] => [...children].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));

/** The stage whose settings the function processes run with. */
export const DEPLOYED_STAGE = 'prod';

/** X-Ray segments the function processes sent, counted by the sink that stands in for the daemon. */
let segmentsReceived = 0;

let deployed: Promise<Record<string, string>> | undefined;

/**
 * What the function processes get on top of the stack's environment: DEPLOYED_STAGE's Powertools
 * settings (infra/environment.cjs: metrics, tracing, log level), and where it traces, what Lambda
 * sets for tracing, with a UDP socket of this process as the X-Ray daemon.
 */
function deployedSettings(): Promise<Record<string, string>> {
  deployed ??= (async () => {
    const stage = await stageEnvironment(DEPLOYED_STAGE);
    const powertools = Object.fromEntries(Object.entries(stage).filter(([name]) => name.startsWith('POWERTOOLS_')));
    // The stage's level, not the one the bench sets for its own process (SILENT): writing the
    // functions' log lines is part of their cost.
    powertools['POWERTOOLS_LOG_LEVEL'] = stageSettings(DEPLOYED_STAGE).logLevel;
    if (powertools['POWERTOOLS_TRACE_ENABLED'] !== 'true') return powertools;
    const daemon = createSocket('udp4').on('message', () => segmentsReceived++);
    await new Promise<void>((ready) => daemon.bind(0, '127.0.0.1', ready));
    daemon.unref();
    const traced = tracedLambdaEnv({ taskRoot: __dirname, handler: 'index.handler', daemonAddress: `127.0.0.1:${daemon.address().port}` });
    return { ...powertools, ...traced };
  })();
  return deployed;
}

/** The function processes' settings in words, for a section's notes (after its runs: counts the traces). */
export async function deployedSettingsNote(): Promise<string> {
  const settings = await deployedSettings();
  const metrics = settings['POWERTOOLS_METRICS_DISABLED'] === 'true' ? 'metrics off' : 'metrics on (EMF lines on stdout)';
  const tracing =
    settings['POWERTOOLS_TRACE_ENABLED'] === 'true'
      ? `tracing on (segments to a UDP socket of the bench standing in for the X-Ray daemon, ${segmentsReceived} received so far; a fresh trace id per invocation, as Lambda gives)`
      : 'tracing off';
  return `the stack's environment with the ${DEPLOYED_STAGE} stage's Powertools settings: ${metrics}, ${tracing}, log level ${settings['POWERTOOLS_LOG_LEVEL']}`;
}

/** The environment of a function process: the stack's (process.env), the deployed stage's settings, `overrides`. */
export const functionEnv = async (overrides: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> => ({
  ...process.env,
  ...(await deployedSettings()),
  ...overrides,
});

export interface ColdResult {
  ok: boolean;
  detail?: string;
  /** Milliseconds since the process started: before require, after it, after the first answer. */
  beforeRequire: number;
  loaded: number;
  answered: number;
  requireMs: number;
  firstRequestMs: number;
  /** Spawn to exit as the parent saw it (process start-up and teardown included). */
  wallMs: number;
}

/** One fresh process: require the bundle, serve `eventFile` once, exit. */
export function coldRun(bundle: string, eventFile: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ColdResult> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = track(spawn(process.execPath, [RUNNER, 'cold', bundle, eventFile], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t;
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`${bundle}: exit ${code ?? signal}\n${stderr.slice(-2000)}${stdout.slice(-1000)}`));
        return;
      }
      resolve({ ...(JSON.parse(line.slice('BENCH_RESULT '.length)) as Omit<ColdResult, 'wallMs'>), wallMs });
    });
  });
}

export interface RunResult {
  /** [start, end] epoch milliseconds of each call. */
  intervals: Array<[number, number]>;
  failures: string[];
  /** Per call when sampled: resident set and V8 heap in use after it. */
  rss: number[];
  heapUsed: number[];
  /** Heap in use right after a forced full GC, every gcEvery calls. */
  liveHeap: number[];
  /** When sampled: how many calls had completed at each full (mark-compact) GC V8 ran by itself. */
  fullGcAfter: number[];
  /** The events ran out before stopAt. */
  exhausted: boolean;
  maxRssBytes: number;
  cpuMs: number;
}

type Reply = { type: 'loaded' } | ({ type: 'done' } & RunResult) | { type: 'error'; error: string };

/** A long-lived function process driven over IPC. */
export class Worker {
  private readonly child: ChildProcess;
  private readonly replies: Reply[] = [];
  private waiting: ((reply: Reply) => void) | undefined;
  private exited: Error | undefined;

  constructor(env: NodeJS.ProcessEnv, nodeArgs: string[] = []) {
    this.child = track(spawn(process.execPath, [...nodeArgs, RUNNER, 'worker'], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    this.child.on('message', (reply: Reply) => {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve(reply);
      } else this.replies.push(reply);
    });
    this.child.once('exit', (code, signal) => {
      this.exited = new Error(`worker exited (${code ?? signal})`);
      this.waiting?.({ type: 'error', error: this.exited.message });
    });
  }

  private async request(message: Record<string, unknown>): Promise<Reply> {
    if (this.exited) throw this.exited;
    this.child.send(message);
    const reply = this.replies.shift() ?? (await new Promise<Reply>((resolve) => (this.waiting = resolve)));
    if (reply.type === 'error') throw new Error(reply.error);
    return reply;
  }

  async load(bundle: string): Promise<void> {
    await this.request({ type: 'load', bundle });
  }

  /** Calls the handler with each event in turn from startAt until stopAt (null: all of them). */
  async run(
    events: unknown[],
    startAt: number,
    stopAt: number | null,
    memory: { sample?: boolean; gcEvery?: number } = {},
  ): Promise<RunResult> {
    return (await this.request({
      type: 'run',
      events,
      startAt,
      stopAt,
      sampleMemory: memory.sample ?? false,
      gcEvery: memory.gcEvery ?? null,
    })) as RunResult;
  }

  /** bcryptjs hashes at `cost` back to back from startAt until stopAt, nothing else. */
  async hash(cost: number, startAt: number, stopAt: number): Promise<RunResult> {
    return (await this.request({ type: 'hash', cost, startAt, stopAt })) as RunResult;
  }

  stop(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** CPU time (ms) a process has used so far, from /proc; undefined where there is no /proc. */
export function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Busy and total CPU time (ms, all cores) of the machine so far, from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } | undefined {
  try {
    const [line = ''] = readFileSync('/proc/stat', 'utf8').split('\n');
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: ((total - idle) * 1000) / 100, total: (total * 1000) / 100 };
  } catch {
    return undefined;
  }
}

/** The pid of the DynamoDB Local JVM listening on `port`, found in /proc (Linux). */
export function dynamoDbLocalPid(port: string): number | undefined {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        if (args.some((a) => a.includes('DynamoDBLocal')) && args[args.indexOf('-port') + 1] === port) return Number(entry);
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}
