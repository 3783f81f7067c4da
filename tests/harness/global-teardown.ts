import { rmSync } from 'node:fs';
import { harnessState } from './state';

export default async function globalTeardown(): Promise<void> {
  await harnessState.stopDynamoDb?.();
  if (harnessState.scratch) rmSync(harnessState.scratch, { recursive: true, force: true });
}
