// `npm run bench:login-timing`: a wrong password and an unknown phone must cost the same, or the
// answer time tells an attacker which phones are registered. Prints both, interleaved in one run,
// at the configured bcrypt cost (default 11).
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { createHandler as loginHandler } from '../functions/login';
import { createHandler as registerHandler } from '../functions/register';
import { createDeps, type Deps } from '../lib/container';
import { parseConfig } from '../lib/config';
import { sendCode, validateCode } from '../lib/domain/verification';
import { call } from '../scripts/invoke';
import { startTestStack } from '../scripts/test-stack';

const ROUNDS = Number(process.env['ROUNDS'] ?? 40);
const WARMUP = 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const stack = await startTestStack();
  try {
    const codes = new Map<string, string>();
    const config = parseConfig({
      ...process.env,
      SMS_RESEND_COOLDOWN_SECONDS: '0',
      SMS_MAX_PER_PHONE_PER_HOUR: '1000000',
      // The lockout would answer 429 after ten tries: this measures the 401 path.
      LOGIN_MAX_FAILURES: '1000000',
    });
    const deps: Deps = { ...(await createDeps(config)), sms: { send: async (m) => void codes.set(m.requestId, m.code) } };
    const provider = async () => deps;
    const login = loginHandler(provider);

    const phone = `0097${10_000_000 + Math.floor(Math.random() * 80_000_000)}`;
    const sent = await sendCode(deps, { phone, codeType: '1' }, undefined);
    const { token } = await validateCode(deps, { requestId: sent.requestId, code: codes.get(sent.requestId)!, codeType: '1' });
    const registered = await call(registerHandler(provider), {
      body: { firstname: 'Bench', phone, email: '', captchaToken: token, password: '01ASDAa1' },
    });
    if (registered.status !== 200) throw new Error(registered.raw);

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
      const b = await time(`0096${10_000_000 + round}`);
      if (round >= WARMUP) (wrongPassword.push(a), unknownPhone.push(b));
    }
    console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, node ${process.version}, bcrypt cost ${config.bcryptCost}`);
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
