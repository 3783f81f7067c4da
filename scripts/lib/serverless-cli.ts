// Runs the Serverless CLI (osls) from a test. serverless-esbuild bundles into a work folder of the
// service directory that `package` deletes when done, so each run gets a folder of its own: runs
// in parallel jest workers, or beside a developer's `npm start`, cannot pull bundles from under
// each other.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './dynamodb-local';

/** The Serverless CLI (osls), run by this module and by `npm start`. */
export const CLI = 'node_modules/serverless/bin/serverless.js';

function isolated(extraEnv: Record<string, string>) {
  const workFolder = `.esbuild-test-${randomUUID().slice(0, 8)}`;
  return {
    // LOG_LEVEL: the local stage's level for the functions (they print nothing but their result).
    env: { ...process.env, ESBUILD_WORK_FOLDER: workFolder, LOG_LEVEL: 'SILENT', ...extraEnv },
    cleanup: () => rmSync(workFolder, { recursive: true, force: true }),
  };
}

/** Runs a CLI command to its end and returns what it printed on stdout. */
export function runServerless(args: string[], extraEnv: Record<string, string> = {}): string {
  const { env, cleanup } = isolated(extraEnv);
  try {
    return execFileSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 110_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    cleanup();
  }
}

export interface RunningCli {
  process: ChildProcess;
  /** The last few KB it printed, to explain a failure. */
  output(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

/** Starts a long-running CLI command (`offline start`) in a process group of its own. */
export function startServerless(args: string[], extraEnv: Record<string, string> = {}): RunningCli {
  const { env, cleanup } = isolated(extraEnv);
  const child = spawn(process.execPath, [CLI, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const alive = () => child.exitCode === null && child.signalCode === null;
  // The whole group, so helpers such as esbuild's service process go too.
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const killOnExit = () => killGroup('SIGKILL'); // last resort if the worker exits without stop()
  process.once('exit', killOnExit);
  return {
    process: child,
    output: () => output,
    alive,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (alive()) killGroup('SIGTERM');
      for (let i = 0; i < 50 && alive(); i++) await sleep(100);
      killGroup('SIGKILL'); // whatever of the group outlived its leader
      cleanup();
    },
  };
}

export interface OfflineApi {
  /** e.g. `http://127.0.0.1:41234`, the API's routes under it. */
  baseUrl: string;
  cli: RunningCli;
  stop(): Promise<void>;
}

/** `serverless offline` (stage local) on free ports, resolved once it answers HTTP. */
export async function startOfflineApi(extraEnv: Record<string, string> = {}, timeoutMs = 90_000): Promise<OfflineApi> {
  const port = await freePort();
  let lambdaPort = await freePort();
  while (lambdaPort === port) lambdaPort = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const cli = startServerless(['offline', 'start', '--stage', 'local'], {
    PORT: String(port),
    OFFLINE_LAMBDA_PORT: String(lambdaPort),
    ...extraEnv,
  });
  try {
    for (const deadline = Date.now() + timeoutMs; ;) {
      if (!cli.alive()) throw new Error(`serverless offline exited at start:\n${cli.output()}`);
      // Any answer, even a 404, means it listens.
      if (
        await fetch(baseUrl).then(
          () => true,
          () => false,
        )
      )
        return { baseUrl, cli, stop: () => cli.stop() };
      if (Date.now() > deadline) throw new Error(`serverless offline did not answer on ${baseUrl}:\n${cli.output()}`);
      await sleep(250);
    }
  } catch (error) {
    await cli.stop();
    throw error;
  }
}
