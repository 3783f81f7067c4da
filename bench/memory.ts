// Memory: a function process (the register bundle in a bench/fn-runner.cjs worker) serving many
// registrations back to back at a low bcrypt cost (for speed: a hash's memory does not depend on
// its cost). Two processes: one left alone, its resident set sampled after every call (the
// target); one with --expose-gc, a full collection every block, to tell a leak (live heap that
// grows) from the heap sizing itself up (resident set that grows while the live heap does not).
import { httpEvent } from '../scripts/invoke';
import { Bundles, serverlessFunctions } from './bundles';
import { benchDeps, epochNow, Phones, pool, preparedRegistration, progress, type Bench } from './lib';
import { functionEnv, Worker, type RunResult } from './processes';
import { fmt, mib, type SectionResult, type Table } from './report-model';

const BLOCK = 100;
/** "No growth after warm-up": the last block's peak within this share of the first block's. */
export const GROWTH_TARGET = 0.05;

async function serve(bundle: string, bench: Bench, phones: Phones, count: number, cost: number, gcEvery?: number): Promise<RunResult> {
  progress(`  minting ${count} captcha tokens`);
  const events = await pool(count, 8, async () => httpEvent({ body: await preparedRegistration(bench, phones) }));
  const worker = new Worker(functionEnv({ BCRYPT_COST: String(cost) }), gcEvery ? ['--expose-gc'] : []);
  try {
    await worker.load(bundle);
    const result = await worker.run(events, epochNow() + 100, null, gcEvery ? { gcEvery } : { sample: true });
    if (result.failures.length > 0) throw new Error(`${result.failures.length} registrations failed, first: ${result.failures[0]}`);
    return result;
  } finally {
    worker.stop();
  }
}

export async function memory(bundles: Bundles, options: { registrations: number; cost: number }): Promise<SectionResult> {
  const entry = serverlessFunctions().find((f) => f.name === 'register')?.entry ?? 'functions/register.ts';
  const bundle = await bundles.get('register', entry);
  const bench = await benchDeps({ BCRYPT_COST: String(options.cost) });
  const phones = new Phones('85');
  const natural = await serve(bundle.file, bench, phones, options.registrations, options.cost);
  const collected = await serve(bundle.file, bench, phones, options.registrations, options.cost, BLOCK);
  return report(natural, collected.liveHeap, options);
}

function report(run: RunResult, liveHeap: number[], options: { registrations: number; cost: number }): SectionResult {
  const { rss, heapUsed } = run;
  const blocks = Array.from({ length: Math.ceil(rss.length / BLOCK) }, (_, b) => ({
    label: `${b * BLOCK + 1}–${Math.min(rss.length, (b + 1) * BLOCK)}`,
    rss: Math.max(...rss.slice(b * BLOCK, (b + 1) * BLOCK)),
    heap: heapUsed[Math.min(heapUsed.length, (b + 1) * BLOCK) - 1] ?? NaN,
    live: liveHeap[b] ?? NaN,
  }));
  const first = blocks[0];
  const last = blocks.at(-1);
  if (!first || !last) throw new Error('memory: the run took no samples');
  const growth = last.rss / first.rss - 1;
  const liveGrowth = last.live - first.live;
  const table: Table = {
    title: `Register function process: ${options.registrations} registrations at bcrypt cost ${options.cost}, by blocks of ${BLOCK}`,
    headers: ['registrations', 'peak RSS MiB', 'heap used at end MiB', 'live heap after full GC MiB (2nd process)'],
    rows: blocks.map((b) => [b.label, mib(b.rss), mib(b.heap), mib(b.live)]),
  };
  return {
    title: 'Memory',
    tables: [table],
    targets: [
      {
        name: `peak RSS, last ${BLOCK} vs first ${BLOCK} registrations (no growth after warm-up)`,
        target: `≤ +${GROWTH_TARGET * 100}%`,
        measured: `${mib(first.rss)} → ${mib(last.rss)} MiB (${growth >= 0 ? '+' : ''}${fmt(growth * 100)}%); process peak ${mib(run.maxRssBytes)} MiB`,
        pass: growth <= GROWTH_TARGET,
      },
    ],
    notes: [
      `Peak RSS and heap: one worker process (bench/fn-runner.cjs, plain node, the register bundle, the stack's environment), BCRYPT_COST=${options.cost} for speed (a hash's memory does not depend on its cost), sampled after every registration, no forced GC. Process peak: getrusage maxRSS.`,
      `Live heap: a second process, as many registrations (fresh tokens), started with --expose-gc, a full GC after every ${BLOCK} registrations: what survives it. It moved ${liveGrowth >= 0 ? '+' : ''}${fmt(liveGrowth / 1024, 0)} KiB from the first block to the last (${fmt(liveGrowth / Math.max(1, options.registrations - BLOCK), 0)} B per registration): a leak would show here, heap sizing and JIT code show in the RSS only.`,
    ],
    panels: [
      {
        title: `Memory: peak RSS per ${BLOCK} registrations (dark), live heap after full GC (light), MiB`,
        unit: 'MiB',
        bars: blocks.map((b) => ({
          label: b.label,
          value: b.rss / 2 ** 20,
          under: b.live / 2 ** 20,
          text: `${mib(b.rss)} / ${mib(b.live)} MiB`,
        })),
      },
    ],
  };
}
