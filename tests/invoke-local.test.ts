// The documented developer loop, `serverless invoke local` with an example event, works as written.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentClient } from '../lib/store/client';
import { call, captchaToken, configWith, randomPhone, registeredUser, service } from './helpers';
import { freePort } from '../scripts/lib/dynamodb-local';
import { runServerless } from '../scripts/lib/serverless-cli';

/** invoke local prints the result as indented JSON last, after whatever the function logged. */
function lastJsonDocument(stdout: string): any {
  const lines = stdout.trimEnd().split('\n');
  const start = lines.lastIndexOf('{');
  if (start < 0) throw new Error(`no JSON result in output:\n${stdout}`);
  return JSON.parse(lines.slice(start).join('\n'));
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'koodrive-event-'));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs events/send-code.json (a fresh phone) through `invoke local`; returns the answer's envelope. */
function invokeSendCode(extraEnv: Record<string, string> = {}): any {
  const event = JSON.parse(readFileSync('events/send-code.json', 'utf8'));
  event.body = JSON.stringify({ ...JSON.parse(event.body), phone: randomPhone() });
  const eventFile = join(scratch, `send-code-${randomUUID()}.json`);
  writeFileSync(eventFile, JSON.stringify(event));

  const stdout = runServerless(['invoke', 'local', '-f', 'sendCode', '--path', eventFile, '--stage', 'local'], extraEnv);

  const result = lastJsonDocument(stdout);
  expect(result.statusCode).toBe(200);
  const body = JSON.parse(result.body);
  expect(body).toMatchObject({ code: 0, msg: 'Success.' });
  expect(body.data.requestId).toMatch(/^[0-9a-f]{32}$/);
  return body;
}

/** Whether the code request is stored in this run's DynamoDB Local, not in one on a default port. */
async function storedHere(requestId: string): Promise<boolean> {
  const config = configWith();
  const { Item } = await createDocumentClient(config).send(
    new GetCommand({ TableName: config.tables.verifications, Key: { pk: `CODE#${requestId}` } }),
  );
  return Item !== undefined;
}

// The test run's DynamoDB Local (tests/harness/global-setup.ts) stands for the one `npm start` runs.
const runEndpoint = () => new URL(String(process.env['DYNAMODB_ENDPOINT']));

it('invokes sendCode locally with events/send-code.json, on the DynamoDB of DYNAMODB_ENDPOINT over DYNAMODB_LOCAL_PORT', async () => {
  const body = invokeSendCode({ DYNAMODB_LOCAL_PORT: String(await freePort()) });
  expect(await storedHere(body.data.requestId)).toBe(true);
}, 120_000);

it('reaches the DynamoDB Local that `npm start` runs on DYNAMODB_LOCAL_PORT', async () => {
  const body = invokeSendCode({ DYNAMODB_ENDPOINT: '', DYNAMODB_LOCAL_PORT: runEndpoint().port });
  expect(await storedHere(body.data.requestId)).toBe(true);
}, 120_000);

/** Runs `events/<file>` through `invoke local` as function `name`, its placeholders replaced; returns the Lambda result. */
function invokeEvent(name: string, file: string, values: Record<string, string>): { statusCode: number; body: string } {
  let text = readFileSync(`events/${file}`, 'utf8');
  for (const [placeholder, value] of Object.entries(values)) text = text.replaceAll(placeholder, value);
  const eventFile = join(scratch, `${name}-${randomUUID()}.json`);
  writeFileSync(eventFile, text);
  return lastJsonDocument(runServerless(['invoke', 'local', '-f', name, '--path', eventFile, '--stage', 'local']));
}

it('invokes updateUserInfo and userInfo locally with their events, for a user of this run', async () => {
  const user = await registeredUser(await service());
  const values = { REPLACE_WITH_ACCESS_TOKEN: user.session.accessToken, REPLACE_WITH_USER_ID: user.userId };

  const updated = invokeEvent('updateUserInfo', 'update-user-info.json', values);
  expect([updated.statusCode, JSON.parse(updated.body)]).toEqual([200, { code: 0, msg: 'Success.' }]);

  const read = invokeEvent('userInfo', 'user-info.json', values);
  expect(read.statusCode).toBe(200);
  expect(JSON.parse(read.body).data).toEqual({
    userId: user.userId,
    firstname: 'Johnny',
    surname: 'Lee',
    phone: user.phone,
    email: 'john@example.com',
  });
}, 240_000);

// The credential changes' events, filled in for a user of this run: the password change answers
// success; the phone change keeps its placeholder token, whose refusal shows the event reached the write.
it.each([
  ['passwordModify', 'password-modify.json', { code: 0, msg: 'Success.' }],
  ['phoneModify', 'phone-modify.json', { code: 13001002, msg: 'Invalid verification token.' }],
])(
  'invokes %s locally with events/%s, its placeholders filled in',
  async (name, file, answer) => {
    const user = await registeredUser(await service());
    const result = invokeEvent(name, file, { REPLACE_WITH_ACCESS_TOKEN: user.session.accessToken, REPLACE_WITH_USER_ID: user.userId });
    expect(JSON.parse(result.body)).toEqual(answer);
  },
  120_000,
);

it('invokes passwordReset and userDelete locally with their example events, placeholders filled in', async () => {
  const svc = await service();
  const user = await registeredUser(svc);
  const token = await captchaToken(user.phone, '3');
  const reset = invokeEvent('passwordReset', 'password-reset.json', {
    '0027188460901': user.phone,
    REPLACE_WITH_RESET_CAPTCHA_TOKEN: token,
  });
  expect([reset.statusCode, JSON.parse(reset.body)]).toEqual([200, { code: 0, msg: 'Success.' }]);

  const login = await call(svc.login, { body: { account: user.phone, authType: '1', password: 'N3w-Passw0rd' } });
  const accessToken = String(login.body.data?.['sessionInfo'].accessToken);
  const deleted = invokeEvent('userDelete', 'user-delete.json', {
    REPLACE_WITH_USER_ID: user.userId,
    REPLACE_WITH_ACCESS_TOKEN: accessToken,
  });
  expect([deleted.statusCode, JSON.parse(deleted.body)]).toEqual([200, { code: 0, msg: 'Success.' }]);
}, 240_000);
