// `npm start`: the whole service on this machine, no AWS account needed.
//   DynamoDB Local (data under .local/dynamodb) unless DYNAMODB_ENDPOINT points elsewhere,
//   missing tables created, the signing and code keys generated on first start, every endpoint served by
//   serverless-offline. Ctrl-C or SIGTERM stops all of it, the Java process included.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createTables } from './lib/create-tables';
import { CLI } from './lib/serverless-cli';
import { startDynamoDbLocal, type RunningDynamoDb } from './lib/dynamodb-local';
import { LOCAL_STAGE, stageEnvironment } from './lib/local-env';
import { ensureCodeKeyFile } from '../lib/tokens/code-key';
import { ensureKeyFile } from '../lib/tokens/signing-key';

const DATA_DIR = '.local/dynamodb';

async function main(): Promise<void> {
  let dynamo: RunningDynamoDb | undefined;
  if (!process.env['DYNAMODB_ENDPOINT']) {
    await mkdir(DATA_DIR, { recursive: true });
    // On the port of the endpoint the functions are given (DYNAMODB_LOCAL_PORT or its default), so
    // that `serverless invoke local`, which resolves the same environment, reaches it too.
    const { port } = new URL(String((await stageEnvironment())['DYNAMODB_ENDPOINT']));
    dynamo = await startDynamoDbLocal({ port: Number(port), dbPath: DATA_DIR });
    process.env['DYNAMODB_ENDPOINT'] = dynamo.endpoint;
    console.log(`DynamoDB Local on ${dynamo.endpoint} (data in ${DATA_DIR})`);
  }
  const env = await stageEnvironment();
  const created = await createTables(String(env['DYNAMODB_ENDPOINT']), env);
  if (created.length > 0) console.log(`Created tables: ${created.join(', ')}`);
  await ensureKeyFile(String(env['SIGNING_KEY_FILE']));
  await ensureCodeKeyFile(String(env['CODE_KEY_FILE']));
  console.log(`SMS codes go to ${env['SMS_OUTBOX_FILE']}`);

  const offline = spawn(process.execPath, [CLI, 'offline', 'start', '--stage', LOCAL_STAGE], {
    stdio: 'inherit',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (offline.exitCode === null) offline.kill('SIGTERM');
    await dynamo?.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  offline.on('exit', (code) => void stop(code ?? 0));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
