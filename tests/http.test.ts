// The sign-up over real HTTP: serverless-offline in front of the esbuild bundles, as `npm start` runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../scripts/dynamodb-local';
import { codeFromOutbox, randomPhone, registration } from './helpers';

const STARTUP_TIMEOUT_MS = 90_000;

// serverless-esbuild bundles into <service dir>/.esbuild, which `package` and other serverless runs
// (parallel jest workers, a developer's `npm start`) rewrite or delete, so this server gets a folder
// of its own that links to the real sources.
function privateServiceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'koodrive-sls-'));
  copyFileSync('serverless.yml', join(dir, 'serverless.yml')); // osls refuses a symlinked config
  for (const entry of ['package.json', 'tsconfig.json', 'node_modules', 'functions', 'lib', 'infra']) {
    symlinkSync(resolve(entry), join(dir, entry));
  }
  return dir;
}

let serviceDir: string;
let offline: ChildProcess | undefined;
let baseUrl: string;
let output = '';

const alive = () => offline !== undefined && offline.exitCode === null && offline.signalCode === null;
// The whole process group, so helpers such as esbuild's service process go too.
const killGroup = (signal: NodeJS.Signals) => {
  if (offline?.pid === undefined) return;
  try {
    process.kill(-offline.pid, signal);
  } catch {
    // already gone
  }
};
// Last resort if the worker exits without running afterAll.
const killOnExit = () => killGroup('SIGKILL');

beforeAll(async () => {
  serviceDir = privateServiceDir();
  const port = await freePort();
  let lambdaPort = await freePort();
  while (lambdaPort === port) lambdaPort = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  offline = spawn(process.execPath, ['node_modules/serverless/bin/serverless.js', 'offline', 'start', '--stage', 'local'], {
    cwd: serviceDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // LOG_LEVEL: the local stage's log level for the functions (default INFO); the inherited
    // POWERTOOLS_LOG_LEVEL does not reach them.
    env: { ...process.env, PORT: String(port), OFFLINE_LAMBDA_PORT: String(lambdaPort), LOG_LEVEL: 'SILENT' },
  });
  process.once('exit', killOnExit);
  // Kept (bounded) to explain a failed start.
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
  offline.stdout?.on('data', keep);
  offline.stderr?.on('data', keep);

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (!alive()) throw new Error(`serverless offline exited at start:\n${output}`);
    try {
      await fetch(baseUrl); // any answer, even 404, means the server listens
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`serverless offline did not answer on ${baseUrl}:\n${output}`);
      await sleep(250);
    }
  }
}, 120_000);

afterAll(async () => {
  process.removeListener('exit', killOnExit);
  if (alive()) killGroup('SIGTERM');
  for (let i = 0; i < 50 && alive(); i++) await sleep(100);
  killGroup('SIGKILL'); // whatever of the group outlived its leader
  if (serviceDir) rmSync(serviceDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Headers;
  body: { code: number; msg: string; data?: Record<string, any> };
  raw: string;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'x-hw-agentName': 'http-test', 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const raw = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(raw), raw };
}

const SEND = '/koodrive/ose/verify/code/send';
const VALIDATE = '/koodrive/ose/verify/code/validate';
const REGISTER = '/koodrive/ose/v1/user/register';

describe('sign-up over HTTP (serverless-offline)', () => {
  it('sends, validates and registers', async () => {
    const phone = randomPhone();
    const sent = await post(SEND, { phone, codeType: '1' }, { 'X-Traceid': 'abc-123' });
    expect(sent.status).toBe(200);
    expect(sent.headers.get('x-traceid')).toBe('abc-123');
    expect(sent.headers.get('cache-control')).toBe('no-store');
    expect(sent.body).toMatchObject({ code: 0, msg: 'Success.' });
    expect(sent.body.data).toEqual({ requestId: expect.stringMatching(/^[0-9]{19}$/), expireAt: expect.any(String), resendAfter: expect.any(Number) });

    const requestId: string = sent.body.data!['requestId'];
    const validated = await post(VALIDATE, { requestId, code: codeFromOutbox(requestId), codeType: '1' });
    expect(validated.status).toBe(200);
    expect(validated.headers.get('x-traceid')).toBeTruthy();
    expect(validated.headers.get('cache-control')).toBe('no-store');
    expect(validated.body.data).toMatchObject({ verified: true, token: expect.any(String), expireAt: expect.any(String) });

    const registered = await post(REGISTER, registration(phone, validated.body.data!['token']));
    expect(registered.status).toBe(200);
    expect(registered.headers.get('cache-control')).toBe('no-store');
    expect(registered.headers.get('x-traceid')).toBeTruthy();
    expect(registered.body).toMatchObject({ code: 0, msg: 'Success.' });
    expect(registered.body.data).toEqual({
      userId: expect.stringMatching(/^[0-9]{19}$/),
      phone,
      sessionInfo: {
        accessToken: expect.stringMatching(/^AT [\w-]+\.[\w-]+\.[\w-]+$/),
        expiresIn: 1800,
        issuedAt: expect.stringMatching(/^[0-9]{13}$/),
        refreshToken: expect.stringMatching(/^[0-9a-f]{48}$/),
      },
    });
  });

  it.each([
    ['a body over 16 KiB', { phone: randomPhone(), codeType: '1', pad: 'x'.repeat(16 * 1024) }, {}, 413, 13000103],
    ['a non-JSON media type', 'phone=0027188460901', { 'Content-Type': 'text/plain' }, 415, 13000104],
    ['malformed JSON', '{"phone": "0027188', {}, 400, 13000102],
  ] as const)('refuses %s', async (_, body, headers, status, code) => {
    const reply = await post(SEND, body, headers);
    expect(reply.status).toBe(status);
    expect(reply.body).toEqual({ code, msg: expect.any(String) });
    expect(reply.headers.get('x-traceid')).toBeTruthy();
    expectNoInternals(reply.raw);
  });

  it('refuses a request without x-hw-agentName', async () => {
    const response = await fetch(`${baseUrl}${SEND}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phone: randomPhone(), codeType: '1' }),
    });
    const raw = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(raw)).toEqual({ code: 13000102, msg: expect.stringContaining('x-hw-agentname') });
    expectNoInternals(raw);
  });
});

/** SPEC §0: no stack trace, exception name or internal detail reaches a client. */
function expectNoInternals(raw: string): void {
  expect(raw).not.toMatch(/stack/i);
  expect(raw).not.toMatch(/\b\w*(Error|Exception)\b/);
  expect(raw).not.toMatch(/\/[\w.-]+\/[\w./-]+|\.[cm]?[jt]s\b|node_modules/);
}
