// docs/API.md §0 and §1: the input rules that keep one phone, one name and one password to one
// spelling — a country calling code never starts with 0, names carry no format characters and are
// stored NFC, passwords are NFKC-normalised before the policy, the hash and every compare.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lib/store/client';
import { call, captchaToken, configWith, randomPhone, registration, service, type Answer, type Service } from './helpers';

let svc: Service;
const db = createDocumentClient(configWith());
beforeAll(async () => {
  svc = await service();
});

const userItem = async (userId: string) =>
  (await db.send(new GetCommand({ TableName: svc.deps.config.tables.users, Key: { pk: `USER#${userId}` } }))).Item;

function expectParameterError(answer: Answer, field: string) {
  expect(answer.status).toBe(400);
  expect(answer.body.code).toBe(13000102);
  expect(answer.body.msg).toContain(field);
}

describe('a country calling code never starts with 0', () => {
  it.each(['+027188460901', '00027188460901', '+00000000', '000000000', '+0 27 188 460 901', '0000000000000000'])(
    'send-code refuses %j naming phone',
    async (phone) => {
      expectParameterError(await call(svc.sendCode, { body: { phone, codeType: '1' } }), 'phone');
    },
  );

  it.each(['+027188460901', '000000000'])('register refuses %j naming phone', async (phone) => {
    expectParameterError(await call(svc.register, { body: registration(phone, 'a'.repeat(48)) }), 'phone');
  });

  it.each(['0027188460901', '+27188460901', '+1 (900) 555-0100'])('the number %j is still a phone', async (phone) => {
    // Gets past the fields to the (made-up) captcha token: the phone was read.
    const answer = await call(svc.register, { body: registration(phone, 'a'.repeat(48)) });
    expect(answer.body.code).toBe(13001002);
  });
});

describe('names', () => {
  it.each([
    ['firstname', 'right-to-left override', { firstname: 'Ann\u202Egnp.exe' }],
    ['firstname', 'zero-width space', { firstname: 'A\u200Bnn' }],
    ['firstname', 'zero-width joiner', { firstname: 'Ann\u200D' }],
    ['surname', 'byte order mark', { surname: 'Le\uFEFFe' }],
    ['surname', 'isolate', { surname: 'Lee\u2066x\u2069' }],
    ['surname', 'soft hyphen', { surname: 'Le\u00ADe' }],
  ])('%s with a %s is a parameter error naming it', async (field, _why, change) => {
    const answer = await call(svc.register, { body: registration(randomPhone(), 'a'.repeat(48), change) });
    expectParameterError(answer, field);
    expect(answer.body.msg).toContain('format characters');
  });

  it('are stored NFC-normalised, and a retry spelled NFD is the same request', async () => {
    const phone = randomPhone();
    const body = registration(phone, await captchaToken(phone), { firstname: 'Zoe\u0308', surname: 'Mu\u0308ller' });
    const first = await call(svc.register, { body });
    expect(first.status).toBe(200);
    const userId = String(first.body.data?.['userId']);
    expect(await userItem(userId)).toMatchObject({ firstname: 'Zo\u00EB', surname: 'M\u00FCller' });

    const retry = await call(svc.register, { body: { ...body, firstname: 'Zo\u00EB', surname: 'M\u00FCller' } });
    expect(retry.status).toBe(200);
    expect(retry.body.data?.['userId']).toBe(userId);
  });
});

describe('passwords are NFKC-normalised', () => {
  const NFC = 'Ga\u0308rtner-Pa\u0308ss-7'.normalize('NFC');
  const NFD = NFC.normalize('NFD');

  const login = (phone: string, password: string) => call(svc.login, { body: { account: phone, authType: '1', password } });

  it.each([
    ['NFC', NFC, 'NFD', NFD],
    ['NFD', NFD, 'NFC', NFC],
  ])('a password registered as %s logs in typed as %s', async (_a, registered, _b, typed) => {
    expect(registered).not.toBe(typed);
    const phone = randomPhone();
    const body = registration(phone, await captchaToken(phone), { password: registered });
    const first = await call(svc.register, { body });
    expect(first.status).toBe(200);

    const answer = await login(phone, typed);
    expect(answer.status).toBe(200);
    expect((answer.body.data?.['userInfo'] as { userId: string }).userId).toBe(first.body.data?.['userId']);

    // The registration retry compares the password the same way.
    const retry = await call(svc.register, { body: { ...body, password: typed } });
    expect(retry.status).toBe(200);
    expect(retry.body.data?.['userId']).toBe(first.body.data?.['userId']);
  });

  it('a compatibility spelling (full-width letters and digits) is the same password', async () => {
    const phone = randomPhone();
    expect((await call(svc.register, { body: registration(phone, await captchaToken(phone), { password: 'Wide-Pass-42' }) })).status).toBe(
      200,
    );
    expect((await login(phone, 'Ｗｉｄｅ-Ｐａｓｓ-４２')).status).toBe(200);
  });

  it('before the policy check: full-width phone digits are still the phone', async () => {
    const phone = randomPhone();
    const wide = phone.slice(4, 11).replace(/[0-9]/g, (d) => String.fromCodePoint(0xff10 + Number(d)));
    const answer = await call(svc.register, { body: registration(phone, await captchaToken(phone), { password: `Pw-${wide}` }) });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(13001004);
    expect(answer.body.msg).toContain('phone');
  });
});
