// The console is a log like any other: a whole sign-up, with its failures, leaves no secret and no
// raw phone number in it, and every line of a request carries the request's trace id.
// The logger takes its level from the environment when first loaded (and returns to it after each
// invocation), so this file raises it before loading the service.
process.env['POWERTOOLS_LOG_LEVEL'] = 'DEBUG';
let helpers: typeof import('./helpers');
beforeAll(async () => {
  helpers = await import('./helpers');
});

function captureStdout() {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return { text: () => lines.join(''), restore: () => spy.mockRestore() };
}

it('a full sign-up logs no password, code, token or raw phone', async () => {
  const { call, codeFromOutbox, randomPhone, registration, service } = helpers;
  const capture = captureStdout();
  const secrets: string[] = [];
  const digitSecrets: string[] = [];
  let text = '';
  try {
    const svc = await service();
    const phone = randomPhone();
    const headers = { 'x-hw-agentName': 'app', 'Content-Type': 'application/json', 'X-Traceid': 'log-test-trace' };

    const sent = await call(svc.sendCode, { body: { phone, codeType: '1' }, headers });
    const requestId = String(sent.body.data?.['requestId']);
    const code = codeFromOutbox(requestId);
    const wrongCode = code === '000000' ? '000001' : '000000';
    await call(svc.validateCode, { body: { requestId, code: wrongCode, codeType: '1' }, headers });
    const validated = await call(svc.validateCode, { body: { requestId, code, codeType: '1' }, headers });
    const token = String(validated.body.data?.['token']);
    await call(svc.register, { body: registration(phone, token, { password: 'password' }), headers });
    const registered = await call(svc.register, { body: registration(phone, token), headers });
    await call(svc.register, { body: registration(phone, token), headers }); // a refusal is logged too
    const session = registered.body.data?.['sessionInfo'] as { accessToken: string; refreshToken: string };

    expect(registered.status).toBe(200);
    // Codes are short: look for them as whole numbers, not inside longer digit runs (ids, ARNs).
    digitSecrets.push(code, wrongCode);
    // The request id too: it is the handle validate takes; logs carry its hash (requestRef).
    secrets.push(phone, phone.slice(2), requestId, token, '01ASDAa1', session.refreshToken, session.accessToken.slice(3));
  } finally {
    text = capture.text();
    capture.restore();
  }

  const lines = text.trim().split('\n');
  expect(lines.length).toBeGreaterThan(4);
  for (const secret of secrets) expect(text).not.toContain(secret);
  for (const code of digitSecrets) expect(text).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
  for (const line of lines) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry['traceId']).toBe('log-test-trace');
  }
  expect(text).toContain('user registered');
  expect(text).toMatch(/"requestRef":"[0-9a-f]{12}"/);
  expect(text).toMatch(/"phone":"0099\*+\d\d"/);
});
