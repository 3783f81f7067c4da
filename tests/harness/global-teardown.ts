import { createDocumentClient } from '../../lib/store/client';
import { configWith } from '../kit/env';
import { findLeaks } from './leak-watch';
import { harnessState } from './state';

export default async function globalTeardown(): Promise<void> {
  try {
    const config = configWith();
    const leaks = await findLeaks(createDocumentClient(config), Object.values(config.tables));
    if (leaks.length > 0) throw new Error(`secrets in clear at rest or in logs:\n${leaks.slice(0, 20).join('\n')}`);
  } finally {
    await harnessState.stack?.stop();
  }
}
