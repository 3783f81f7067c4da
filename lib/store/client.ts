// The one DynamoDB client of a container: built with its dependencies at init, reused by every invocation.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import type { Config } from '../config';

// Well inside the functions' timeout (10 s): three attempts of at most 1 s to connect and 2 s to
// answer, then a 503 the client may repeat. DynamoDB answers in milliseconds; a request this slow
// is stuck, and a fresh one has better odds.
const CONNECTION_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const MAX_ATTEMPTS = 3;

type ClientConfig = Pick<Config, 'region' | 'dynamodbEndpoint'>;

export function createDynamoClient(config: ClientConfig): DynamoDBClient {
  const local = config.dynamodbEndpoint !== undefined;
  return new DynamoDBClient({
    region: config.region,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      // Without this the SDK only warns when the timeout passes, and keeps waiting.
      throwOnRequestTimeout: true,
      httpsAgent: new Agent({ keepAlive: true }),
      httpAgent: new HttpAgent({ keepAlive: true }),
    }),
    // DynamoDB Local accepts any credentials; fixed ones keep every local tool on the same data.
    ...(local ? { endpoint: config.dynamodbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}

/** The document client over `client` (by default a new one): traced if `client` is. */
export function createDocumentClient(config: ClientConfig, client = createDynamoClient(config)): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
