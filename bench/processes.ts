// Function processes (bench/fn-runner.cjs under plain `node`) and the bookkeeping that ends every one
// of them, whatever happens to the benchmark: each child is tracked until it exits, and whatever is
// left is killed when this process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

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

/** The environment of a function process: the stack's (process.env) with `overrides`. */
export const functionEnv = (overrides: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, ...overrides });

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
