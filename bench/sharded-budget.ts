// `npm run -s bench:sharded-budget`: how exact a sharded SMS budget is (docs/adr/0016). The
// function's own shard picker (lib/store/dynamo/verifications.ts), one per container, against
// shard counters kept in memory as the conditional writes keep them in DynamoDB: sends arrive one at
// a time at a random container, each tries up to SEND_ATTEMPTS shards. Twice the budget is sent, so
// the budget is spent whatever the luck. Prints, per budget and number of containers, what was
// admitted (never more than the budget), how many sends were refused while the budget still had
// room, and how much of it was spent at the first refusal.
import { shardsFor } from '../lib/domain/verification-limits';
import type { SendQuota } from '../lib/domain/verification-store';
import { SEND_ATTEMPTS, ShardPicker } from '../lib/store/dynamo/verifications';

const RUNS = Number(process.env['RUNS'] ?? 20);
const NOW = Date.UTC(2030, 0, 1, 12);

function run(budget: number, containers: number) {
  const quota: SendQuota = { scope: 'service', key: 'service', max: budget, windowSeconds: 3600, shards: shardsFor(budget) };
  const pickers = Array.from({ length: containers }, () => new ShardPicker());
  const hits = new Map<string, number>();
  let admitted = 0;
  let early = 0;
  let firstRefusal: number | undefined;
  for (let send = 0; send < 2 * budget; send++) {
    const picker = pickers[Math.floor(Math.random() * containers)] ?? new ShardPicker();
    let ok = false;
    for (let attempt = 0; attempt < SEND_ATTEMPTS && !ok; attempt++) {
      const shard = picker.pick(quota, NOW);
      if (!shard) break;
      const count = hits.get(shard.pk) ?? 0;
      if (count < shard.quota.max) {
        hits.set(shard.pk, count + 1);
        ok = true;
      } else picker.markFull(shard.pk, shard.end, NOW);
    }
    if (ok) admitted++;
    else {
      firstRefusal ??= admitted;
      if (admitted < budget) early++;
    }
  }
  return { admitted, early, firstRefusal: firstRefusal ?? admitted };
}

const rows = [
  '| budget | shards | containers | admitted (min–max) | refused with room left (mean) | spent at the first refusal (mean, min) |',
  '|---:|---:|---:|---|---:|---|',
];
for (const budget of [300, 1000]) {
  for (const containers of [1, 10, 50, 200]) {
    const runs = Array.from({ length: RUNS }, () => run(budget, containers));
    const admitted = runs.map((r) => r.admitted);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = runs.map((r) => r.firstRefusal / budget);
    rows.push(
      `| ${budget} | ${shardsFor(budget)} | ${containers} | ${Math.min(...admitted)}–${Math.max(...admitted)} | ${mean(runs.map((r) => r.early)).toFixed(1)} | ${(100 * mean(first)).toFixed(1)}%, ${(100 * Math.min(...first)).toFixed(1)}% |`,
    );
  }
}
console.log(`${RUNS} runs each, ${SEND_ATTEMPTS} attempts per send\n`);
console.log(rows.join('\n'));
