// The floor of the cold-start and memory figures: a function that does nothing but what every
// function of this service must do with the packages chosen for it, build the DynamoDB document
// client (lib/store/client.ts, as the functions build it) and make one request with it. Bundled
// like the functions (bench/bundles.ts); what the functions cost beyond it is the service's own.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lib/store/client';
import { tables } from '../infra/tables.cjs';

const db = createDocumentClient({
  region: process.env['AWS_REGION'] ?? 'us-east-1',
  dynamodbEndpoint: process.env['DYNAMODB_ENDPOINT'] || undefined,
});
const table = process.env[tables.verifications.envVar];

export const handler = async () => {
  await db.send(new GetCommand({ TableName: table, Key: { pk: 'sdk-floor' }, ConsistentRead: true }));
  return { statusCode: 200, body: '{}' };
};
