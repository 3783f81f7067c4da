// Once per `npm test`: the throwaway stack of scripts/test-stack.ts. The environment set here is
// what every test worker, and every process a test starts, inherits.
import { startTestStack } from '../../scripts/test-stack';
import { harnessState } from './state';

export default async function globalSetup(): Promise<void> {
  // Cheap hashes keep the suite fast; the default cost is asserted in the config tests.
  process.env['BCRYPT_COST'] ??= '4';
  // Tests that read logs raise the level themselves.
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
  harnessState.stack = await startTestStack();
}
