import { harnessState } from './state';

export default async function globalTeardown(): Promise<void> {
  await harnessState.stack?.stop();
}
