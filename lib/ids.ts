// Snowflake-style 63-bit ids: 41 bits of milliseconds, 10 bits of worker, 12 bits of sequence.
// The worker id is random per container, so concurrent instances need no coordination; the
// conditional writes that store ids catch the rare collision.
import { randomInt } from 'node:crypto';

// 2015-01-01: ids made after mid-2022 have 19 decimal digits, as KooDrive's do, until 2084.
const EPOCH_MS = 1_420_070_400_000n;
const WORKER_BITS = 10n;
const SEQUENCE_BITS = 12n;
const MAX_SEQUENCE = (1n << SEQUENCE_BITS) - 1n;

export function createIdGenerator(workerId = randomInt(0, 1 << Number(WORKER_BITS)), now = () => Date.now()) {
  let lastMs = -1n;
  let sequence = 0n;
  const worker = BigInt(workerId);
  return function nextId(): string {
    let ms = BigInt(now());
    if (ms < lastMs) ms = lastMs; // clock stepped back: stay monotonic
    if (ms === lastMs) {
      sequence = (sequence + 1n) & MAX_SEQUENCE;
      if (sequence === 0n) ms = lastMs + 1n; // sequence exhausted: borrow the next millisecond
    } else {
      sequence = 0n;
    }
    lastMs = ms;
    return (((ms - EPOCH_MS) << (WORKER_BITS + SEQUENCE_BITS)) | (worker << SEQUENCE_BITS) | sequence).toString();
  };
}

export const nextId = createIdGenerator();
