// Once per `npm test`: DynamoDB Local on a free port (in memory) unless DYNAMODB_ENDPOINT names one,
// the local stage's tables, and a scratch folder for the signing key and the SMS outbox. The
// environment set here is what every test worker, and every process a test starts, inherits.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTables } from '../../scripts/create-tables';
import { startDynamoDbLocal } from '../../scripts/dynamodb-local';
import { stageEnvironment } from '../../scripts/local-env';
import { ensureKeyFile } from '../../lib/tokens/signing-key';
import { harnessState } from './state';

export default async function globalSetup(): Promise<void> {
  if (!process.env['DYNAMODB_ENDPOINT']) {
    const dynamo = await startDynamoDbLocal();
    harnessState.stopDynamoDb = dynamo.stop;
    process.env['DYNAMODB_ENDPOINT'] = dynamo.endpoint;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'koodrive-test-'));
  harnessState.scratch = scratch;
  process.env['SIGNING_KEY_FILE'] = join(scratch, 'signing-key.json');
  process.env['SMS_OUTBOX_FILE'] = join(scratch, 'sms-outbox.jsonl');
  // Tests that read logs raise the level themselves.
  process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
  // Cheap hashes keep the suite fast; the default cost is asserted in the config tests.
  process.env['BCRYPT_COST'] ??= '4';

  const env = await stageEnvironment();
  await createTables(String(process.env['DYNAMODB_ENDPOINT']), env);
  await ensureKeyFile(String(process.env['SIGNING_KEY_FILE']));
  // The functions' local-stage environment, as serverless.yml gives it; the tests' own settings win.
  for (const [name, value] of Object.entries(env)) process.env[name] ??= value;
}
