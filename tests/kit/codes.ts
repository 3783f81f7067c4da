// SMS codes and the captcha tokens they buy, for tests and benches: where a sent code can be read
// back (the local outbox file, or a sender that keeps codes in memory), and the client's two
// steps, send and validate, through any typed client of the service (in-process or over HTTP).
import { existsSync, readFileSync } from 'node:fs';
import type { KooDriveClient } from '../../client';
import type { CodeType } from '../../lib/api/fields';
import type { Deps } from '../../lib/container';
import { codeHash, randomCode, randomRequestId } from '../../lib/secrets';
import type { SmsSender } from '../../lib/sms/sender';

/** The code the SMS of a request id carried. */
export type CodeOf = (requestId: string) => string;

/** The code the outbox (SMS_OUTBOX_FILE, the local stage's "SMS") holds for a request id. */
export function codeFromOutbox(requestId: string): string {
  const lines = readFileSync(String(process.env['SMS_OUTBOX_FILE']), 'utf8').trim().split('\n');
  const entry = lines.map((l) => JSON.parse(l) as { requestId: string; code: string }).find((m) => m.requestId === requestId);
  if (!entry) throw new Error(`no SMS for request ${requestId}`);
  return entry.code;
}

/** How many SMS the outbox holds for `phone`: none before the first SMS of the run. */
export function smsTo(phone: string): number {
  const file = String(process.env['SMS_OUTBOX_FILE']);
  if (!existsSync(file)) return 0;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return lines.filter((line) => (JSON.parse(line) as { phone: string }).phone === phone).length;
}

/** A sender that keeps every code in memory: no file to append to and scan, for runs that send thousands. */
export function capturingSender(): { sender: SmsSender; codeOf: CodeOf } {
  const codes = new Map<string, string>();
  const sender: SmsSender = {
    send: (message) => {
      codes.set(message.requestId, message.code);
      return Promise.resolve();
    },
  };
  const codeOf = (requestId: string) => {
    const code = codes.get(requestId);
    if (code === undefined) throw new Error(`no SMS for request ${requestId}`);
    return code;
  };
  return { sender, codeOf };
}

/** Another code of the same shape: a wrong guess. */
export const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** What mints codes and tokens: a client of the service, and where the codes it has sent land. */
export interface Minter {
  client: KooDriveClient;
  codeOf: CodeOf;
}

/** A code sent to `phone`: its request id and the code the SMS carried. */
export async function sentCode(via: Minter, phone: string, codeType: CodeType = '1'): Promise<{ requestId: string; code: string }> {
  const { requestId } = await via.client.sendCode({ phone, codeType });
  return { requestId, code: via.codeOf(requestId) };
}

/** A client's captcha token for `phone`: a code sent and validated. */
export async function captchaToken(via: Minter, phone: string, codeType: CodeType = '1'): Promise<string> {
  const { requestId, code } = await sentCode(via, phone, codeType);
  return (await via.client.validateCode({ requestId, code, codeType })).token;
}

/**
 * A code stored as a send stores one, but with no SMS and no limit spent: for a flow the service
 * texts no code to (docs/API.md §2.1: a login code for a phone without an account), which a test
 * still needs a captcha token of.
 */
export async function storedCode(deps: Deps, phone: string, codeType: CodeType): Promise<{ requestId: string; code: string }> {
  const requestId = randomRequestId();
  const code = randomCode();
  const codeHashed = codeHash(deps.codeKey.secret, requestId, code);
  const expiresAt = deps.now() + deps.config.limits.codeTtlSeconds * 1000;
  const saved = await deps.verifications.saveCode(
    { requestId, phone, codeType, codeHash: codeHashed, expiresAt, failCount: 0, redeemed: false },
    { quotas: [], now: deps.now() },
  );
  if (saved.kind !== 'ok') throw new Error('storedCode: not stored');
  return { requestId, code };
}
