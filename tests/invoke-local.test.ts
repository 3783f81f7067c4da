// The documented developer loop, `serverless invoke local` with an example event, works as written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomPhone } from './helpers';
import { runServerless } from '../scripts/lib/serverless-cli';

/** invoke local prints the result as indented JSON last, after whatever the function logged. */
function lastJsonDocument(stdout: string): any {
  const lines = stdout.trimEnd().split('\n');
  const start = lines.lastIndexOf('{');
  if (start < 0) throw new Error(`no JSON result in output:\n${stdout}`);
  return JSON.parse(lines.slice(start).join('\n'));
}

let scratch: string;
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

it('invokes sendCode locally with events/send-code.json', () => {
  scratch = mkdtempSync(join(tmpdir(), 'koodrive-event-'));
  const event = JSON.parse(readFileSync('events/send-code.json', 'utf8'));
  event.body = JSON.stringify({ ...JSON.parse(event.body), phone: randomPhone() });
  const eventFile = join(scratch, 'send-code.json');
  writeFileSync(eventFile, JSON.stringify(event));

  const stdout = runServerless(['invoke', 'local', '-f', 'sendCode', '--path', eventFile, '--stage', 'local']);

  const result = lastJsonDocument(stdout);
  expect(result.statusCode).toBe(200);
  const body = JSON.parse(result.body);
  expect(body).toMatchObject({ code: 0, msg: 'Success.' });
  expect(body.data.requestId).toMatch(/^[0-9]{19}$/);
}, 120_000);
