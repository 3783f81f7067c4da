// Once per `npm test`: the throwaway stack of tests/kit/stack.ts. The environment set here is
// what every test worker, and every process a test starts, inherits.
import { RUN_WIDE_BUDGETS_OFF } from '../kit/env';
import { startTestStack } from '../kit/stack';
import { harnessState } from './state';

export default async function globalSetup(): Promise<void> {
  // Cheap hashes keep the suite fast; the default cost is asserted in the config tests.
  process.env['BCRYPT_COST'] ??= '4';
  // Every suite shares one DynamoDB: the run itself would spend the hourly SMS budgets of the service
  // and of the test phones' countries (tests/kit/env.ts).
  for (const [name, value] of Object.entries(RUN_WIDE_BUDGETS_OFF)) process.env[name] ??= value;
  // Logs are written to the run's log file (harness/capture-logs.ts) and scanned for secrets.
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'INFO';
  harnessState.stack = await startTestStack();
}
