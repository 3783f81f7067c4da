// `npm run bench:login-timing`: a wrong password and an unknown phone must cost the same, or the
// answer time tells an attacker which phones are registered. Prints both, interleaved in one run,
// at the configured bcrypt cost (default 11).
import { performance } from 'node:perf_hooks';
import { call } from '../tests/kit/invoke';
import { Phones } from '../tests/kit/phones';
import { startTestStack } from '../tests/kit/stack';
import { freshRegistration } from '../tests/kit/users';
import { benchService, machineLine, median } from './lib';

const ROUNDS = Number(process.env['ROUNDS'] ?? 40);
const WARMUP = 5;

async function main() {
  const stack = await startTestStack();
  try {
    // benchService lifts the lockout, which would answer 429 after ten tries: this measures the 401 path.
    const bench = await benchService();
    const { login, register } = bench.handlers;
    const phones = new Phones('97');
    const body = await freshRegistration(bench, phones.next());
    const registered = await call(register, { body });
    if (registered.status !== 200) throw new Error(registered.raw);
    const phone = body.phone;

    const time = async (account: string) => {
      const t = performance.now();
      const answer = await call(login, { body: { account, authType: '1', password: 'Not-The-Password-1' } });
      if (answer.status !== 401) throw new Error(`expected 401, got ${answer.raw}`);
      return performance.now() - t;
    };
    const wrongPassword: number[] = [];
    const unknownPhone: number[] = [];
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const a = await time(phone);
      const b = await time(phones.next()); // never registered
      if (round >= WARMUP) {
        wrongPassword.push(a);
        unknownPhone.push(b);
      }
    }
    console.log(`${machineLine()}, bcrypt cost ${bench.deps.config.bcryptCost}`);
    console.log(`login answers 401, median of ${ROUNDS} interleaved rounds:`);
    console.log(`  wrong password  ${median(wrongPassword).toFixed(1)} ms`);
    console.log(`  unknown phone   ${median(unknownPhone).toFixed(1)} ms`);
    const ratio = median(unknownPhone) / median(wrongPassword);
    console.log(`  ratio unknown / wrong: ${ratio.toFixed(3)} (${Math.abs(ratio - 1) <= 0.1 ? 'within' : 'NOT within'} 10%)`);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
