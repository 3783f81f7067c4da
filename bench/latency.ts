// Warm latency, in-process: each handler (createHandler of functions/*.ts, via tests/kit/service.ts,
// on deps from createDeps with a capturing SMS sender: the full middy chain) next to its floor
// (bench/floors.ts), interleaved round by round so that both see the same machine; the order within
// a round alternates. Rounds before `warmup` are dropped.
import { nextId } from '../lib/ids';
import { sentCode } from '../tests/kit/codes';
import { Phones } from '../tests/kit/phones';
import { freshRegistration, openSession } from '../tests/kit/users';
import { Floors, type Operation, type Parts } from './floors';
import { authorized, benchService, median, progress, stats, timeHandler, type Stats } from './lib';
import { fmt, type Bar, type SectionResult, type Table, type Target } from './report-model';

export const REGISTER_RATIO_TARGET = 1.1;

export interface LatencyOptions {
  /** Register is measured at each of these bcrypt costs. */
  costs: number[];
  /** Login's cost (and register's in the other sections). */
  defaultCost: number;
  /** Rounds for the bcrypt-bound endpoints (register, login) and for the others. */
  rounds: number;
  fastRounds: number;
  warmup: number;
}

interface Row {
  endpoint: string;
  cost: string;
  handler: Stats;
  floor: Stats;
  /** Median milliseconds of each kind of floor work. */
  parts: Parts;
  /** Median of the per-round handler ÷ floor: steadier than the ratio of the medians on a noisy machine. */
  pairedRatio: number;
  rounds: number;
}

/** One round, prepared: the handler call to time and the floor operation. */
type Round = { handler: () => Promise<number>; floor: Operation };

async function interleaved(name: string, rounds: number, warmup: number, prepare: () => Promise<Round>) {
  const handler: number[] = [];
  const floor: number[] = [];
  const ratios: number[] = [];
  const parts: Parts[] = [];
  for (let round = 0; round < warmup + rounds; round++) {
    const { handler: runHandler, floor: runFloor } = await prepare();
    const timeFloor = async () => {
      const t = performance.now();
      const p = await runFloor();
      return { ms: performance.now() - t, p };
    };
    let h: number;
    let f: { ms: number; p: Parts };
    if (round % 2 === 0) {
      h = await runHandler();
      f = await timeFloor();
    } else {
      f = await timeFloor();
      h = await runHandler();
    }
    if (round >= warmup) {
      handler.push(h);
      floor.push(f.ms);
      ratios.push(h / f.ms);
      parts.push(f.p);
    }
  }
  const kinds = [...new Set(parts.flatMap((p) => Object.keys(p)))];
  const medianParts = Object.fromEntries(kinds.map((k) => [k, median(parts.map((p) => p[k] ?? 0))]));
  progress(`  ${name}: handler p50 ${fmt(median(handler))} ms, floor p50 ${fmt(median(floor))} ms`);
  const pairedRatio = median(ratios);
  return { handler: stats(handler), floor: stats(floor), parts: medianParts, pairedRatio, rounds };
}

export async function warmLatency(options: LatencyOptions): Promise<SectionResult> {
  const { costs, defaultCost, rounds, fastRounds, warmup } = options;
  const phones = new Phones('81');
  const rows: Row[] = [];

  for (const cost of costs) {
    const bench = await benchService({ BCRYPT_COST: String(cost) });
    const floors = new Floors(bench.deps);
    const { register } = bench.handlers;
    const result = await interleaved(`register @${cost}`, rounds, warmup, async () => {
      const body = await freshRegistration(bench, phones.next());
      const floor = floors.register(cost, await freshRegistration(bench, phones.next()));
      return { handler: () => timeHandler(register, { body }), floor };
    });
    rows.push({ endpoint: 'register', cost: String(cost), ...result });
    floors.destroy();
  }

  const bench = await benchService({ BCRYPT_COST: String(defaultCost) });
  const floors = new Floors(bench.deps);
  const { handlers } = bench;
  rows.push({
    endpoint: 'validate-code',
    cost: '-',
    ...(await interleaved('validate-code', fastRounds, warmup, async () => {
      const sent = await sentCode(bench, phones.next());
      const floorPhone = phones.next();
      const floorCode = await sentCode(bench, floorPhone);
      return {
        handler: () => timeHandler(handlers.validateCode, { body: { requestId: sent.requestId, code: sent.code, codeType: '1' } }),
        floor: floors.validate(floorCode.requestId, floorPhone),
      };
    })),
  });

  // One account, registered through the handler at the default cost; every round logs it in.
  const account = await freshRegistration(bench, phones.next());
  await timeHandler(handlers.register, { body: account });
  rows.push({
    endpoint: 'login (authType 1)',
    cost: String(defaultCost),
    ...(await interleaved('login', rounds, warmup, () =>
      Promise.resolve({
        handler: () => timeHandler(handlers.login, { body: { account: account.phone, authType: '1', password: account.password } }),
        floor: floors.login(account.phone, account.password),
      }),
    )),
  });

  const userId = nextId();
  rows.push({
    endpoint: 'refresh',
    cost: '-',
    ...(await interleaved('refresh', fastRounds, warmup, async () => {
      const mine = await openSession(bench.deps, userId);
      const floor = await floors.refresh(await openSession(bench.deps, userId));
      return {
        handler: () =>
          timeHandler(handlers.refreshToken, {
            body: { refreshToken: mine.refreshToken },
            headers: authorized(mine.accessToken),
          }),
        floor,
      };
    })),
  });
  floors.destroy();

  return report(rows, options);
}

function report(rows: Row[], options: LatencyOptions): SectionResult {
  const ratio = (r: Row) => r.handler.p50 / r.floor.p50;
  const partsText = (p: Parts) =>
    Object.entries(p)
      .map(([k, v]) => `${k} ${fmt(v)}`)
      .join(' + ');
  const table: Table = {
    title: 'Warm latency, in-process, against DynamoDB Local (ms)',
    headers: [
      'endpoint',
      'cost',
      'rounds',
      'handler p50',
      'p95',
      'p99',
      'floor p50',
      'p95',
      'p99',
      'floor p50 parts',
      'overhead p50',
      'ratio p50',
      'paired ratio',
    ],
    rows: rows.map((r) => [
      r.endpoint,
      r.cost,
      String(r.rounds),
      fmt(r.handler.p50),
      fmt(r.handler.p95),
      fmt(r.handler.p99),
      fmt(r.floor.p50),
      fmt(r.floor.p95),
      fmt(r.floor.p99),
      partsText(r.parts),
      fmt(r.handler.p50 - r.floor.p50),
      fmt(ratio(r), 3),
      fmt(r.pairedRatio, 3),
    ]),
  };
  const targets: Target[] = rows
    .filter((r) => r.endpoint === 'register')
    .map((r) => ({
      name: `register p50 / floor p50 at BCRYPT_COST ${r.cost}`,
      target: `≤ ${REGISTER_RATIO_TARGET.toFixed(2)}`,
      measured: fmt(ratio(r), 3),
      pass: ratio(r) <= REGISTER_RATIO_TARGET,
    }));
  const bars: Bar[] = rows.map((r) => ({
    label: r.cost === '-' ? r.endpoint : `${r.endpoint} @${r.cost}`,
    value: ratio(r),
    text: `${fmt(ratio(r), 2)}× (${fmt(r.handler.p50)} vs ${fmt(r.floor.p50)} ms)`,
  }));
  return {
    title: 'Warm latency vs floor',
    tables: [table],
    targets,
    notes: [
      `${options.rounds} rounds (register, login) / ${options.fastRounds} rounds (validate-code, refresh) after ${options.warmup} warm-up rounds each, handler and floor interleaved, order alternating. With 100 rounds or fewer, p99 is the slowest round or next to it.`,
      "In-process, the handlers run with the local stage's settings: metrics, tracing and logs off. The function processes of the cold start, throughput and memory sections run with the deployed stage's; throughput's \"CPU ms per call\" shows what they add to a registration.",
      'Floors (bench/floors.ts): register = bcrypt.hash + one 5-item TransactWriteItems (token update, phone put, user put, session put, refresh put) — the physical minimum; ' +
        'validate-code = consistent GetItem + 3-item TransactWriteItems; login = UpdateItem (the attempt budget of the source), then UpdateItem (of the phone) beside 2 consistent GetItems + bcrypt.compare + DeleteItem and UpdateItem side by side (the tries given back) + 2-item TransactWriteItems (session), as the code issues them (the second read is a design choice, not physics); ' +
        'refresh = ES256 verify + consistent GetItem + 3-item TransactWriteItems + ES256 sign. Floors leave out middy, schema validation, the password policy, ids, SHA-256/HMAC and logging, and (register, login) the ES256 signature of the answer.',
      '"floor p50 parts" are the medians of the floor\'s own steps, by kind; "overhead" is handler p50 − floor p50; "paired ratio" is the median of each round\'s handler ÷ floor, which other work on the machine disturbs less (the target is on "ratio p50").',
    ],
    panels: [
      { title: 'Warm p50: handler ÷ floor', unit: '×', bars, target: { value: REGISTER_RATIO_TARGET, label: 'register target 1.10' } },
    ],
  };
}
