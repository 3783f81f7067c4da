// A throwaway stack for tests and benchmarks: DynamoDB Local in memory on a free port (or the
// DYNAMODB_ENDPOINT given), the local stage's tables, and a scratch folder for the signing key and
// the SMS outbox. Sets process.env so that this process and its children use it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTables } from '../../scripts/lib/create-tables';
import { startDynamoDbLocal } from '../../scripts/lib/dynamodb-local';
import { stageEnvironment } from '../../scripts/lib/local-env';
import { ensureCodeKeyFile } from '../../lib/tokens/code-key';
import { ensureKeyFile } from '../../lib/tokens/signing-key';

export interface TestStack {
  /** A folder for the run's own files (key, outbox, captured logs), removed by stop(). */
  scratch: string;
  stop(): Promise<void>;
}

export async function startTestStack(): Promise<TestStack> {
  const dynamo = process.env['DYNAMODB_ENDPOINT'] ? undefined : await startDynamoDbLocal();
  if (dynamo) process.env['DYNAMODB_ENDPOINT'] = dynamo.endpoint;
  const scratch = mkdtempSync(join(tmpdir(), 'koodrive-test-'));
  process.env['TEST_SCRATCH_DIR'] = scratch;
  const keyFile = join(scratch, 'signing-key.json');
  process.env['SIGNING_KEY_FILE'] = keyFile;
  process.env['CODE_KEY_FILE'] = join(scratch, 'code-key.json');
  process.env['SMS_OUTBOX_FILE'] = join(scratch, 'sms-outbox.jsonl');

  const env = await stageEnvironment();
  await createTables(String(process.env['DYNAMODB_ENDPOINT']), env);
  await ensureKeyFile(keyFile);
  await ensureCodeKeyFile(process.env['CODE_KEY_FILE']);
  // The functions' local-stage environment, as serverless.yml gives it; settings made above win.
  for (const [name, value] of Object.entries(env)) process.env[name] ??= value;

  return {
    scratch,
    stop: async () => {
      await dynamo?.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
