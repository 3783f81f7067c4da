// Watches a whole test run for secrets at rest or in logs. Test workers append every secret a
// successful request used or received to one file, and every log line to another; after the run,
// the global teardown scans each DynamoDB item and log line for any of them in clear.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const scratch = () => process.env['TEST_SCRATCH_DIR'];
export const logFile = () => join(String(scratch()), 'logs.jsonl');
const secretsFile = () => join(String(scratch()), 'secrets.txt');

// A request id is the only handle validate takes (docs/API.md §2.1): logs carry its hash (lib/secrets.ts requestRef).
const SECRET_FIELDS = [
  'password',
  'captchaToken',
  'code',
  'refreshToken',
  'accessToken',
  'token',
  'requestId',
  // The password change (docs/API.md §6.1).
  'oldPassword',
  'newPassword',
  // The password reset (docs/API.md §6.2).
  'newPwd',
];

/** The secrets in a request body or an answer's data (sessionInfo included), access tokens without "AT ". */
function secretsIn(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const found: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (SECRET_FIELDS.includes(key) && typeof inner === 'string' && inner.length > 0) found.push(inner.replace(/^(AT|Bearer)\s+/i, ''));
    else if (key === 'sessionInfo') found.push(...secretsIn(inner));
  }
  return found;
}

export function recordSecrets(body: unknown, answerData: unknown): void {
  if (!scratch()) return;
  const secrets = [...secretsIn(body), ...secretsIn(answerData)];
  if (secrets.length > 0) appendFileSync(secretsFile(), secrets.map((s) => JSON.stringify(s)).join('\n') + '\n');
}

async function scanAll(db: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const items: string[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    for (const item of page.Items ?? []) items.push(JSON.stringify(item));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Each place (item or log line) where a recorded secret stands in clear; empty when none. */
export async function findLeaks(db: DynamoDBDocumentClient, tables: string[]): Promise<string[]> {
  if (!existsSync(secretsFile())) return [];
  const secrets = new Set(
    readFileSync(secretsFile(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string),
  );
  const places = [...(await Promise.all(tables.map((t) => scanAll(db, t)))).flat()];
  if (existsSync(logFile())) places.push(...readFileSync(logFile(), 'utf8').split('\n'));
  const leaks: string[] = [];
  for (const place of places) {
    // Split on JSON punctuation and blanks: a secret written anywhere stands as a whole piece.
    for (const piece of place.split(/[\s"'\\,:{}[\]]+/)) {
      if (secrets.has(piece)) leaks.push(`${piece.slice(0, 6)}… in ${place.slice(0, 80)}`);
    }
  }
  return leaks;
}
