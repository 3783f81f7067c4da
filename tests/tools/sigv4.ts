// SigV4 as AWS checks it, for the tests' stand-ins of AWS services: the signature recomputed here
// from the spec with node:crypto (not by the signer under test), the credential scope, the clock,
// the session token and the headers the operation must sign.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Whom a stand-in knows: by access key id, the secret and session token of their role. */
export interface SigningCaller {
  secretAccessKey: string;
  sessionToken: string;
}

const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** Why a request's signature is refused, or undefined when it is AWS's own. */
export function signatureProblem(
  req: IncomingMessage,
  body: Buffer,
  scope: { region: string; service: string; signedHeaders: readonly string[] },
  callers: Readonly<Record<string, SigningCaller>>,
): string | undefined {
  const { region } = scope;
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      req.headers['authorization'] ?? '',
    );
  if (!auth) return 'IncompleteSignatureException';
  const [, accessKeyId, day, scopeRegion, service, signedHeaders, signature] = auth as unknown as string[];
  const caller = callers[accessKeyId!];
  if (!caller) return 'UnrecognizedClientException';
  if (scopeRegion !== region || service !== scope.service) return 'InvalidSignatureException';
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!when || !amzDate.startsWith(day!)) return 'InvalidSignatureException';
  const at = Date.UTC(+when[1]!, +when[2]! - 1, +when[3]!, +when[4]!, +when[5]!, +when[6]!);
  if (Math.abs(Date.now() - at) > MAX_CLOCK_SKEW_MS) return 'InvalidSignatureException';
  if (req.headers['x-amz-security-token'] !== caller.sessionToken) return 'UnrecognizedClientException';
  const names = signedHeaders!.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-security-token', ...scope.signedHeaders]) {
    if (!names.includes(required)) return 'InvalidSignatureException';
  }
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const canonicalRequest = [req.method, url.pathname, '', canonicalHeaders, signedHeaders, sha256Hex(body)].join('\n');
  const credentialScope = `${day}/${region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${caller.secretAccessKey}`, day!), region), scope.service), 'aws4_request');
  const expected = hmac(key, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) return 'InvalidSignatureException';
  return undefined;
}
