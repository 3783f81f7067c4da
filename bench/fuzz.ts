// `npm run fuzz`: the hostile-input property of tests/fuzz.test.ts at scale: FUZZ_RUNS generated
// requests per endpoint (default 10,000) through the real handlers, on a throwaway stack of its own.
// Prints per endpoint the cases run, the status histogram and the failures (0 expected), the first
// few failing cases in full, and exits non-zero on any failure. FUZZ_SEED replays a run.
import { NO_SEND_LIMITS } from '../tests/kit/env';
import { inProcessService } from '../tests/kit/service';
import { startTestStack } from '../tests/kit/stack';
import { ENDPOINTS, assertNoPollution, formatReport, fuzzEndpoint, prepareContext, type FuzzReport } from '../tests/fuzz-cases';
import { machineLine } from './lib';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const BASE_SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);

async function main(): Promise<number> {
  // Cheap hashes, as in the tests; the logger reads its level at import (the npm script sets it too).
  process.env['BCRYPT_COST'] = '4';
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  const stack = await startTestStack();
  try {
    // The deployed limits (cooldown, hourly caps, lockout): valid-shaped cases may meet them, and 429 is an answer like any 4xx.
    const { deps, handlers } = await inProcessService({ sms: 'captured' });
    // Material minted without send limits (a user's phone gets two codes), a context per endpoint:
    // a deletion or a reset that gets through ends only that endpoint's users.
    const minter = await inProcessService({ sms: 'captured', env: NO_SEND_LIMITS });
    const material = () => prepareContext(minter.handlers, minter.codeOf, { users: 5, tokens: 5, codes: 5 });
    console.log(`${machineLine()}, bcrypt cost ${deps.config.bcryptCost}`);
    console.log(
      `fuzzing ${ENDPOINTS.length} endpoints, ${RUNS} cases each, seed ${BASE_SEED} (endpoint i uses seed + i), endpoints in parallel`,
    );
    const started = Date.now();
    // The endpoints run side by side: each is a sequential fast-check run, their waits on DynamoDB overlap.
    const reports: FuzzReport[] = await Promise.all(
      ENDPOINTS.map(async (endpoint, i) => {
        const report = await fuzzEndpoint(endpoint, handlers[endpoint], await material(), {
          runs: RUNS,
          seed: BASE_SEED + i,
          stopOnFailure: false,
          keepExamples: 3,
        });
        console.log(`  done ${endpoint} in ${(report.ms / 1000).toFixed(1)} s`);
        return report;
      }),
    );
    assertNoPollution();

    console.log('');
    for (const report of reports) console.log(formatReport(report));
    const total = reports.reduce((n, r) => n + r.runs, 0);
    const failures = reports.reduce((n, r) => n + r.failures, 0);
    console.log(`total: ${total} cases, ${failures} failures, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const report of reports) {
      for (const example of report.examples) console.log(`\nFAILURE (${report.endpoint}, seed ${report.seed}):\n  ${example}`);
    }
    return failures === 0 ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
