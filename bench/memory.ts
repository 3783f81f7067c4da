// Memory: a function process (the register bundle in a bench/fn-runner.cjs worker) serving many
// registrations back to back at a low bcrypt cost (for speed: a hash's memory does not depend on
// its cost). Two processes: one left alone, its resident set sampled after every call (the
// target); one with --expose-gc, a full collection every block, to tell a leak (live heap that
// grows) from the heap sizing itself up (resident set that grows while the live heap does not).
// A third process, bench/sdk-floor.ts making as many DynamoDB requests, is the floor: how the
// resident set of a function that only uses the chosen DynamoDB client moves under the same loop.
import { httpEvent } from '../tests/kit/invoke';
import { Phones } from '../tests/kit/phones';
import type { InProcessService } from '../tests/kit/service';
import { freshRegistration } from '../tests/kit/users';
import { Bundles, SDK_FLOOR, serverlessFunctions } from './bundles';
import { benchService, epochNow, pool, progress } from './lib';
import { deployedSettingsNote, functionEnv, Worker, type RunResult } from './processes';
import { fmt, mib, type SectionResult, type Table } from './report-model';

const BLOCK = 100;
/** "No growth after warm-up": the last block's peak within this share of the first block's. */
export const GROWTH_TARGET = 0.05;

async function registrations(bench: InProcessService, phones: Phones, count: number): Promise<object[]> {
  progress(`  minting ${count} captcha tokens`);
  return pool(count, 8, async () => httpEvent({ body: await freshRegistration(bench, phones.next()) }));
}

async function serve(bundle: string, events: object[], cost: number, gcEvery?: number): Promise<RunResult> {
  const worker = new Worker(await functionEnv({ BCRYPT_COST: String(cost) }), gcEvery ? ['--expose-gc'] : []);
  try {
    await worker.load(bundle);
    const result = await worker.run(events, epochNow() + 100, null, gcEvery ? { gcEvery } : { sample: true });
    if (result.failures.length > 0) throw new Error(`${result.failures.length} calls failed, first: ${result.failures[0]}`);
    return result;
  } finally {
    worker.stop();
  }
}

export async function memory(bundles: Bundles, options: { registrations: number; cost: number }): Promise<SectionResult> {
  const entry = serverlessFunctions().find((f) => f.name === 'register')?.entry ?? 'functions/register.ts';
  const bundle = await bundles.get('register', entry);
  const bench = await benchService({ BCRYPT_COST: String(options.cost) });
  const phones = new Phones('85');
  const natural = await serve(bundle.file, await registrations(bench, phones, options.registrations), options.cost);
  const collected = await serve(bundle.file, await registrations(bench, phones, options.registrations), options.cost, BLOCK);
  const floorBundle = await bundles.sdkFloor();
  const floor = await serve(
    floorBundle.file,
    Array.from({ length: options.registrations }, () => httpEvent({ body: {} })),
    options.cost,
  );
  return report(natural, collected.liveHeap, floor, { ...options, environment: await deployedSettingsNote() });
}

const peak = (rss: number[], block: number) => Math.max(...rss.slice(block * BLOCK, (block + 1) * BLOCK));

function report(
  run: RunResult,
  liveHeap: number[],
  floor: RunResult,
  options: { registrations: number; cost: number; environment: string },
): SectionResult {
  const { rss, heapUsed } = run;
  const blocks = Array.from({ length: Math.ceil(rss.length / BLOCK) }, (_, b) => ({
    label: `${b * BLOCK + 1}–${Math.min(rss.length, (b + 1) * BLOCK)}`,
    rss: peak(rss, b),
    heap: heapUsed[Math.min(heapUsed.length, (b + 1) * BLOCK) - 1] ?? NaN,
    live: liveHeap[b] ?? NaN,
    floor: peak(floor.rss, b),
  }));
  const first = blocks[0];
  const last = blocks.at(-1);
  if (!first || !last) throw new Error('memory: the run took no samples');
  const growth = last.rss / first.rss - 1;
  const floorGrowth = last.floor / first.floor - 1;
  const signed = (share: number) => `${share >= 0 ? '+' : ''}${fmt(share * 100)}%`;
  const liveGrowth = last.live - first.live;
  // Between V8's full collections the old generation grows with garbage: RSS shows it, the live heap does not.
  const fullGcs =
    run.fullGcAfter.length === 0
      ? `V8 ran no full collection of its own in the ${options.registrations} registrations: its old generation grew all along, garbage included.`
      : `V8's own full collections came after about ${run.fullGcAfter.join(', ')} registrations; between them its old generation grows, garbage included.`;
  const table: Table = {
    title: `Register function process: ${options.registrations} registrations at bcrypt cost ${options.cost}, by blocks of ${BLOCK}`,
    headers: [
      'registrations',
      'peak RSS MiB',
      'heap used at end MiB',
      'live heap after full GC MiB (2nd process)',
      `${SDK_FLOOR}: peak RSS MiB`,
    ],
    rows: blocks.map((b) => [b.label, mib(b.rss), mib(b.heap), mib(b.live), mib(b.floor)]),
  };
  return {
    title: 'Memory',
    tables: [table],
    targets: [
      {
        name: `peak RSS, last ${BLOCK} vs first ${BLOCK} registrations (no growth after warm-up)`,
        target: `≤ +${GROWTH_TARGET * 100}%`,
        measured: `${mib(first.rss)} → ${mib(last.rss)} MiB (${signed(growth)}); process peak ${mib(run.maxRssBytes)} MiB; ${SDK_FLOOR}: ${mib(first.floor)} → ${mib(last.floor)} MiB (${signed(floorGrowth)})`,
        pass: growth <= GROWTH_TARGET,
      },
    ],
    notes: [
      `Peak RSS and heap: one worker process (bench/fn-runner.cjs, plain node, the register bundle; ${options.environment}), BCRYPT_COST=${options.cost} for speed (a hash's memory does not depend on its cost), sampled after every registration, no forced GC. Process peak: getrusage maxRSS.`,
      `${SDK_FLOOR}: a third process, the bundle of bench/sdk-floor.ts (the DynamoDB document client built as lib/store/client.ts builds it, one consistent GetItem per call), called as many times the same way: how the resident set of a function that does nothing but use the chosen DynamoDB client moves.`,
      `Full GCs of the first process: ${fullGcs}`,
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
