// `npm run bench:register`: register latency (warm, in-process, DynamoDB Local) next to one bcrypt
// hash at the same cost, measured interleaved in one run, plus the register bundle's size.
// A script that prints figures, never a test: these machines are noisy, so read the ratio.
import bcrypt from 'bcryptjs';
import { build } from 'esbuild';
import { esbuildOptions } from '../esbuild.config.cjs';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createHandler } from '../functions/register';
import { createDeps, type Deps } from '../lib/container';
import { parseConfig } from '../lib/config';
import { sendCode, validateCode } from '../lib/domain/verification';
import tunables from '../lib/tunables.cjs';
import { call } from '../scripts/invoke';
import { startTestStack } from '../scripts/test-stack';

const ROUNDS = Number(process.env['ROUNDS'] ?? 40);
const WARMUP = 5;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (v: number) => v.toFixed(1).padStart(7);

async function bundleSize(entry: string) {
  const result = await build({ ...esbuildOptions, entryPoints: [entry], write: false, logLevel: 'silent' });
  const code = result.outputFiles?.[0]?.contents ?? new Uint8Array();
  return { raw: code.byteLength, gzip: gzipSync(code).byteLength };
}

async function main() {
  const stack = await startTestStack();
  try {
    const cost = Number(process.env['BCRYPT_COST'] ?? tunables.BCRYPT_COST);
    const codes = new Map<string, string>();
    const config = parseConfig({
      ...process.env,
      BCRYPT_COST: String(cost),
      SMS_RESEND_COOLDOWN_SECONDS: '0',
      SMS_MAX_PER_PHONE_PER_HOUR: '1000000',
    });
    const deps: Deps = { ...(await createDeps(config)), sms: { send: async (m) => void codes.set(m.requestId, m.code) } };
    const register = createHandler(async () => deps);

    let phoneSeq = 10_000_000 + Math.floor(Math.random() * 80_000_000);
    const prepared = async () => {
      const phone = `0098${phoneSeq++}`;
      const sent = await sendCode(deps, { phone, codeType: '1' }, undefined);
      const { token } = await validateCode(deps, { requestId: sent.requestId, code: codes.get(sent.requestId)!, codeType: '1' });
      return { firstname: 'Bench', phone, email: '', captchaToken: token, password: '01ASDAa1' };
    };

    const registerTimes: number[] = [];
    const hashTimes: number[] = [];
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const body = await prepared();
      let t = performance.now();
      const answer = await call(register, { body });
      const registerMs = performance.now() - t;
      if (answer.status !== 200) throw new Error(`register failed: ${answer.raw}`);
      t = performance.now();
      await bcrypt.hash('01ASDAa1', cost);
      const hashMs = performance.now() - t;
      if (round >= WARMUP) {
        registerTimes.push(registerMs);
        hashTimes.push(hashMs);
      }
    }

    const bundle = await bundleSize('functions/register.ts');
    console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, node ${process.version}`);
    console.log(`register vs bcrypt.hash alone at cost ${cost}, ${ROUNDS} interleaved rounds after ${WARMUP} warm-up`);
    console.log('                      p50      p95      max  (ms)');
    for (const [name, times] of [['register handler', registerTimes], ['bcrypt.hash alone', hashTimes]] as const) {
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
