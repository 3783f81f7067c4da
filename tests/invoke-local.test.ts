// The documented developer loop, `serverless invoke local` with an example event, works as written.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomPhone } from './helpers';

// serverless-esbuild bundles into <service dir>/.esbuild, which `package` and other serverless runs
// (parallel jest workers, a developer's `npm start`) rewrite or delete, so this run gets a folder
// of its own that links to the real sources.
function privateServiceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'koodrive-sls-'));
  copyFileSync('serverless.yml', join(dir, 'serverless.yml')); // osls refuses a symlinked config
  for (const entry of ['package.json', 'tsconfig.json', 'node_modules', 'functions', 'lib', 'infra']) {
    symlinkSync(resolve(entry), join(dir, entry));
  }
  return dir;
}

/** invoke local prints the result as indented JSON last, after whatever the function logged. */
function lastJsonDocument(stdout: string): any {
  const lines = stdout.trimEnd().split('\n');
  const start = lines.lastIndexOf('{');
  if (start < 0) throw new Error(`no JSON result in output:\n${stdout}`);
  return JSON.parse(lines.slice(start).join('\n'));
}

let serviceDir: string;
afterAll(() => {
  if (serviceDir) rmSync(serviceDir, { recursive: true, force: true });
});

it('invokes sendCode locally with events/send-code.json', () => {
  serviceDir = privateServiceDir();
  const event = JSON.parse(readFileSync('events/send-code.json', 'utf8'));
  event.body = JSON.stringify({ ...JSON.parse(event.body), phone: randomPhone() });
  const eventFile = join(serviceDir, 'send-code.json');
  writeFileSync(eventFile, JSON.stringify(event));

  const stdout = execFileSync(
    process.execPath,
    ['node_modules/serverless/bin/serverless.js', 'invoke', 'local', '-f', 'sendCode', '--path', eventFile, '--stage', 'local'],
    {
      cwd: serviceDir,
      // The local stage sets the functions' log level from LOG_LEVEL (default INFO), overriding
      // the POWERTOOLS_LOG_LEVEL this process inherits.
      env: { ...process.env, LOG_LEVEL: 'SILENT' },
      encoding: 'utf8',
      timeout: 110_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

  const result = lastJsonDocument(stdout);
  expect(result.statusCode).toBe(200);
  const body = JSON.parse(result.body);
  expect(body).toMatchObject({ code: 0, msg: 'Success.' });
  expect(body.data.requestId).toMatch(/^[0-9]{19}$/);
}, 120_000);
