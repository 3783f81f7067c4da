// `npm run bench`: the service against its floors, on this machine, in one run — warm latency,
// cold start and bundle size, scale, throughput and memory. Prints the tables and writes them to
// bench/results/latest.md with a chart, bench/results/latest.svg. Never part of `npm test`.
//
// Sizes (environment, defaults in brackets): ROUNDS [30] rounds of the bcrypt-bound endpoints,
// FAST_ROUNDS [100] of the others, BENCH_COSTS [10,11,12] register costs, BCRYPT_COST [11] the
// cost elsewhere, COLD_RUNS [10], SCALE_USERS [100000], SCALE_ROUNDS [30], THROUGHPUT_SECONDS [8],
// MEMORY_REGISTRATIONS [1000]; BENCH_SECTIONS [latency,cold,scale,throughput,memory] picks sections;
// BENCH_WAIT_QUIET [0] waits up to that many seconds for other work on the machine to calm down.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { settings as functionSettings } from '../lib/settings.cjs';
import { startTestStack, type TestStack } from '../tests/kit/stack';
import { coldStart } from './cold-start';
import { warmLatency } from './latency';
import { envNumber, machine, machineLine, progress } from './lib';
import { memory } from './memory';
import { dynamoDbLocalPid, killChildren, machineCpuMs, runningChildren } from './processes';
import { printText, writeResults, type Run } from './report';
import type { SectionResult } from './report-model';
import { scale } from './scale';
import { throughput } from './throughput';
import { Bundles } from './bundles';

const SECTIONS = ['latency', 'cold', 'scale', 'throughput', 'memory'] as const;
type Section = (typeof SECTIONS)[number];

const settings = {
  rounds: envNumber('ROUNDS', 30),
  fastRounds: envNumber('FAST_ROUNDS', 100),
  warmup: 3,
  costs: (process.env['BENCH_COSTS'] ?? '10,11,12').split(',').map(Number),
  defaultCost: envNumber('BCRYPT_COST', functionSettings.BCRYPT_COST.default),
  coldRuns: envNumber('COLD_RUNS', 10),
  scaleUsers: envNumber('SCALE_USERS', 100_000),
  scaleRounds: envNumber('SCALE_ROUNDS', 30),
  throughputSeconds: envNumber('THROUGHPUT_SECONDS', 8),
  memoryRegistrations: envNumber('MEMORY_REGISTRATIONS', 1000),
  memoryCost: 4,
};
/** Cores busy with work other than this process's, over `ms` (undefined without /proc/stat). */
async function othersBusy(ms = 1000): Promise<number | undefined> {
  const before = machineCpuMs();
  const self = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineCpuMs();
  const own = process.cpuUsage(self);
  if (!before || !after) return undefined;
  return Math.max(0, (after.busy - before.busy - (own.user + own.system) / 1000) / ms);
}

const QUIET_CORES = 0.25;

async function waitForQuiet(seconds: number): Promise<number | undefined> {
  const deadline = performance.now() + seconds * 1000;
  let busy = await othersBusy();
  while (busy !== undefined && busy > QUIET_CORES && performance.now() < deadline) {
    progress(`other work keeps ${busy.toFixed(2)} cores busy: waiting (BENCH_WAIT_QUIET)`);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    busy = await othersBusy();
  }
  return busy;
}

const chosen = new Set((process.env['BENCH_SECTIONS'] ?? SECTIONS.join(',')).split(',').map((s) => s.trim()) as Section[]);
// A misspelt section would otherwise run nothing and write an empty bench/results/latest.md.
const unknown = [...chosen].filter((s) => !(SECTIONS as readonly string[]).includes(s));
if (unknown.length > 0) {
  console.error(`BENCH_SECTIONS: no section ${unknown.join(', ')}; the sections are ${SECTIONS.join(', ')}`);
  process.exit(2);
}

async function main() {
  const busyBefore = await waitForQuiet(Number(process.env['BENCH_WAIT_QUIET'] ?? 0));
  const startedAt = new Date();
  const t0 = performance.now();
  const m = machine();
  progress(machineLine(m));
  progress(`other work on the machine: ${busyBefore === undefined ? 'unknown' : `${busyBefore.toFixed(2)} cores busy`}`);
  // Ctrl-C, kill: end what this run started. The 'exit' handlers kill the function processes
  // (bench/processes.ts) and the DynamoDB Local JVM (scripts/lib/dynamodb-local.ts) and remove the bundles.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping`);
      process.exit(130);
    });
  }
  const stack: TestStack = await startTestStack();
  const bundles = new Bundles();
  const port = new URL(String(process.env['DYNAMODB_ENDPOINT'])).port;
  const jvm = dynamoDbLocalPid(port);
  const sections: SectionResult[] = [];
  const plan: Array<[Section, string, () => Promise<SectionResult>]> = [
    [
      'latency',
      `warm latency: costs ${settings.costs.join(', ')}, ${settings.rounds}/${settings.fastRounds} rounds`,
      () => warmLatency(settings),
    ],
    [
      'cold',
      `cold start: ${settings.coldRuns} processes per bundle`,
      () => coldStart(bundles, { runs: settings.coldRuns, defaultCost: settings.defaultCost }),
    ],
    [
      'scale',
      `scale: 1,000 vs ${settings.scaleUsers.toLocaleString('en')} users`,
      () => scale({ users: settings.scaleUsers, rounds: settings.scaleRounds, cost: settings.defaultCost }),
    ],
    [
      'throughput',
      `throughput: ${settings.throughputSeconds} s per level`,
      () => throughput(bundles, { seconds: settings.throughputSeconds, cost: settings.defaultCost, jvmPid: jvm }),
    ],
    [
      'memory',
      `memory: ${settings.memoryRegistrations} registrations at cost ${settings.memoryCost}`,
      () => memory(bundles, { registrations: settings.memoryRegistrations, cost: settings.memoryCost }),
    ],
  ];
  try {
    progress(`DynamoDB Local at ${process.env['DYNAMODB_ENDPOINT']} (pid ${jvm ?? 'unknown'})`);
    for (const [name, title, measure] of plan) {
      if (!chosen.has(name)) continue;
      progress(title);
      try {
        sections.push(await measure());
      } catch (error) {
        // Report what the other sections measured; the run still fails.
        console.error(error);
        process.exitCode = 1;
        sections.push({
          title: `${name}: FAILED`,
          tables: [],
          notes: [String(error instanceof Error ? error.message : error)],
          targets: [{ name: `section ${name}`, target: 'completes', measured: 'failed', pass: false }],
          panels: [],
        });
      }
      killChildren();
    }
  } finally {
    killChildren();
    await stack.stop();
    bundles.remove();
  }

  const busyAfter = await othersBusy();
  const busyText = (b: number | undefined) => (b === undefined ? 'unknown' : `${b.toFixed(2)} cores`);
  const run: Run = {
    machine: { ...m, load: machine().load },
    startedAt,
    durationSeconds: (performance.now() - t0) / 1000,
    settings: [
      `other work on the machine (CPU not this benchmark's, 1 s samples): ${busyText(busyBefore)} before, ${busyText(busyAfter)} after; load average ${m.load.toFixed(2)} at start, ${machine().load.toFixed(2)} at end. Other work skews every figure: the interleaved ratios least, throughput most.`,
      `rounds: ${settings.rounds} (register, login) / ${settings.fastRounds} (validate-code, refresh), warm-up ${settings.warmup}; register costs ${settings.costs.join(', ')}, elsewhere cost ${settings.defaultCost}`,
      `cold start: ${settings.coldRuns} processes per bundle; scale: 1,000 and ${settings.scaleUsers.toLocaleString('en')} users, ${settings.scaleRounds} rounds; throughput: ${settings.throughputSeconds} s per level; memory: ${settings.memoryRegistrations} registrations at cost ${settings.memoryCost}`,
      `environment knobs: ROUNDS, FAST_ROUNDS, BENCH_COSTS, BCRYPT_COST, COLD_RUNS, SCALE_USERS, SCALE_ROUNDS, THROUGHPUT_SECONDS, MEMORY_REGISTRATIONS, BENCH_SECTIONS`,
    ],
    sections,
  };
  printText(run);
  const written = writeResults(run, join(__dirname, 'results'));
  console.log(`written: ${written.md}, ${written.svg}`);

  const left = runningChildren();
  const jvmLeft = jvm !== undefined && dynamoDbLocalPid(port) !== undefined;
  if (left.length > 0 || jvmLeft) {
    console.error(`processes left running: ${[...left, ...(jvmLeft ? [jvm] : [])].join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(`stopped: DynamoDB Local (pid ${jvm ?? 'unknown'}, port ${port}) and every function process`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
