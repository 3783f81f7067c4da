// Creates the tables of infra/tables.cjs that do not exist yet, on the endpoint given (DynamoDB Local).
import { CreateTableCommand, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import infra from '../../infra/tables.cjs';
import { createDynamoClient } from '../../lib/store/client';

export async function createTables(endpoint: string, environment: Record<string, string>): Promise<string[]> {
  const client = createDynamoClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
  const created: string[] = [];
  try {
    for (const table of Object.values(infra.tables)) {
      const TableName = environment[table.envVar];
      if (!TableName) throw new Error(`no table name for ${table.envVar}`);
      try {
        await client.send(
          new CreateTableCommand({ TableName, ...infra.keySchema() } as ConstructorParameters<typeof CreateTableCommand>[0]),
        );
        created.push(TableName);
      } catch (error) {
        if (error instanceof ResourceInUseException) continue;
        throw error;
      }
      if (table.ttlAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true } }),
        );
      }
    }
  } finally {
    client.destroy();
  }
  return created;
}
