// Property-based hostile input for every endpoint (docs/API.md §0, §5): whatever arrives, the answer is a
// 200 or a 4xx in the API's envelope, with no internals, and nothing gets polluted. The cases and the
// property are in tests/fuzz-cases.ts, shared with `npm run fuzz` (bench/fuzz.ts), which runs many more.
// FUZZ_RUNS sets the cases per endpoint (default 200), FUZZ_SEED replays a run.
import { ENDPOINTS, assertNoPollution, formatReport, fuzzEndpoint, prepareContext, type FuzzContext } from './fuzz-cases';
import { codeFromOutbox, service, type Service } from './helpers';
import { NO_SEND_LIMITS } from './kit/env';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 200);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);

let svc: Service;
let minter: Service;
beforeAll(async () => {
  svc = await service();
  // The material is minted without send limits (a user's phone gets two codes); the cases meet the deployed ones.
  minter = await service({ env: NO_SEND_LIMITS });
});

afterAll(() => {
  assertNoPollution();
});

describe.each(ENDPOINTS)('%s under hostile input', (endpoint) => {
  // Its own users and tokens: a deletion or a reset that gets through ends only this endpoint's.
  let ctx: FuzzContext;
  beforeAll(async () => {
    ctx = await prepareContext(minter, codeFromOutbox);
  });

  it(`answers ${RUNS} generated requests with 200 or 4xx, the API's envelope, no internals`, async () => {
    const report = await fuzzEndpoint(endpoint, svc[endpoint], ctx, {
      runs: RUNS,
      stopOnFailure: true,
      ...(SEED === undefined ? {} : { seed: SEED }),
    });
    process.stdout.write(`${formatReport(report)}\n`);
    expect(report.failures).toBe(0);
    expect(report.runs).toBe(RUNS);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
