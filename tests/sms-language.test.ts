// docs/API.md §2.1: send-code's optional `language` header picks the SMS text's language by its
// primary subtag; absent or not one the texts are written in, English.
import { readFileSync } from 'node:fs';
import { smsLanguage, smsText } from '../lib/sms/texts';
import { clientFor, randomPhone, service, type Service } from './helpers';

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

/** The text of the SMS a request id was sent with, as the local outbox has it. */
function textOf(requestId: string): string {
  const lines = readFileSync(String(process.env['SMS_OUTBOX_FILE']), 'utf8').trim().split('\n');
  const entry = lines.map((line) => JSON.parse(line) as { requestId: string; text: string }).find((m) => m.requestId === requestId);
  if (!entry) throw new Error(`no SMS for request ${requestId}`);
  return entry.text;
}

describe('the SMS text follows the language header', () => {
  it.each([
    ['ar-EG', 'ar'],
    ['ar', 'ar'],
    ['AR-sa', 'ar'],
    ['en-US', 'en'],
    ['fr-FR', 'en'],
    ['', 'en'],
    ['not a language tag', 'en'],
  ] as const)('language %p sends the %s text', async (header, expected) => {
    const sent = await clientFor(svc).sendCode({ phone: randomPhone(), codeType: '1', language: header });
    const text = textOf(sent.requestId);
    expect(text).toMatch(/\d{6}/);
    const code = /\d{6}/.exec(text)![0];
    expect(text).toBe(smsText(code, expected));
  });

  it('is English without the header', async () => {
    const sent = await clientFor(svc).sendCode({ phone: randomPhone(), codeType: '1' });
    expect(textOf(sent.requestId)).toMatch(/^Your KooDrive verification code is \d{6}\. Do not share it with anyone\.$/);
  });

  it('writes the Arabic text with the code isolated left to right', () => {
    expect(smsText('123456', 'ar')).toContain('\u2066123456\u2069');
    expect(smsText('123456', 'ar')).not.toBe(smsText('123456', 'en'));
  });

  it.each([
    [undefined, 'en'],
    ['ar_EG', 'ar'],
    [' ar-EG ', 'ar'],
    ['arabic', 'en'],
    ['e', 'en'],
  ] as const)('reads %p as %s', (tag, expected) => {
    expect(smsLanguage(tag)).toBe(expected);
  });
});
