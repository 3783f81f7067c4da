// Once per `npm test`: the throwaway stack of tests/kit/stack.ts. The environment set here is
// what every test worker, and every process a test starts, inherits.
import { startTestStack } from '../kit/stack';
import { harnessState } from './state';

export default async function globalSetup(): Promise<void> {
  // Cheap hashes keep the suite fast; the default cost is asserted in the config tests.
  process.env['BCRYPT_COST'] ??= '4';
  // Logs are written to the run's log file (harness/capture-logs.ts) and scanned for secrets.
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'INFO';
  harnessState.stack = await startTestStack();
}
