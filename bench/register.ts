// `npm run bench:register`: register latency (warm, in-process, DynamoDB Local) next to one bcrypt
// hash at the same cost, measured interleaved in one run, plus the register bundle's size.
// A script that prints figures, never a test: these machines are noisy, so read the ratio.
import bcrypt from 'bcryptjs';
import { build } from 'esbuild';
import { esbuildOptions } from '../esbuild.config.cjs';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { settings } from '../lib/settings.cjs';
import { call } from '../tests/kit/invoke';
import { Phones } from '../tests/kit/phones';
import { startTestStack } from '../tests/kit/stack';
import { freshRegistration, PASSWORD } from '../tests/kit/users';
import { benchService, machineLine, percentile } from './lib';

const ROUNDS = Number(process.env['ROUNDS'] ?? 40);
const WARMUP = 5;

const ms = (v: number) => v.toFixed(1).padStart(7);

async function bundleSize(entry: string) {
  const result = await build({ ...esbuildOptions, entryPoints: [entry], write: false, logLevel: 'silent' });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { raw: code.byteLength, gzip: gzipSync(code).byteLength };
}

async function main() {
  const stack = await startTestStack();
  try {
    const cost = Number(process.env['BCRYPT_COST'] ?? settings.BCRYPT_COST.default);
    const bench = await benchService({ BCRYPT_COST: String(cost) });
    const { register } = bench.handlers;
    const phones = new Phones('98');

    const registerTimes: number[] = [];
    const hashTimes: number[] = [];
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const body = await freshRegistration(bench, phones.next());
      let t = performance.now();
      const answer = await call(register, { body });
      const registerMs = performance.now() - t;
      if (answer.status !== 200) throw new Error(`register failed: ${answer.raw}`);
      t = performance.now();
      await bcrypt.hash(PASSWORD, cost);
      const hashMs = performance.now() - t;
      if (round >= WARMUP) {
        registerTimes.push(registerMs);
        hashTimes.push(hashMs);
      }
    }

    const bundle = await bundleSize('functions/register.ts');
    console.log(machineLine());
    console.log(`register vs bcrypt.hash alone at cost ${cost}, ${ROUNDS} interleaved rounds after ${WARMUP} warm-up`);
    console.log('                      p50      p95      max  (ms)');
    for (const [name, times] of [
      ['register handler', registerTimes],
      ['bcrypt.hash alone', hashTimes],
    ] as const) {
      console.log(`${name.padEnd(18)} ${ms(percentile(times, 50))}  ${ms(percentile(times, 95))}  ${ms(Math.max(...times))}`);
    }
    console.log(`ratio p50 register / hash: ${(percentile(registerTimes, 50) / percentile(hashTimes, 50)).toFixed(3)}`);
    console.log(`register bundle: ${(bundle.raw / 1024).toFixed(0)} KiB minified, ${(bundle.gzip / 1024).toFixed(0)} KiB gzipped`);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
