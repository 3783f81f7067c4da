// A local stand-in for SSM's GetParameter that checks a request as AWS would: the SigV4 signature
// (recomputed here from the spec with node:crypto, not by the signer under test), the credential
// scope, the clock, the session token, the operation's headers, and the caller's permission for the
// parameter's name. Answers as SSM does, errors included; records who asked for what.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredParameter {
  value: string;
  type: 'String' | 'SecureString';
}

export interface Caller {
  secretAccessKey: string;
  sessionToken: string;
  /** Parameter names its role may read. */
  allowed: readonly string[];
}

export interface SsmRequest {
  accessKeyId: string;
  name: string;
}

const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** Why a request's signature is refused, or undefined when it is AWS's own. */
function signatureProblem(req: IncomingMessage, body: Buffer, region: string, callers: Record<string, Caller>): string | undefined {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      req.headers['authorization'] ?? '',
    );
  if (!auth) return 'IncompleteSignatureException';
  const [, accessKeyId, day, scopeRegion, service, signedHeaders, signature] = auth as unknown as string[];
  const caller = callers[accessKeyId!];
  if (!caller) return 'UnrecognizedClientException';
  if (scopeRegion !== region || service !== 'ssm') return 'InvalidSignatureException';
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!when || !amzDate.startsWith(day!)) return 'InvalidSignatureException';
  const at = Date.UTC(+when[1]!, +when[2]! - 1, +when[3]!, +when[4]!, +when[5]!, +when[6]!);
  if (Math.abs(Date.now() - at) > MAX_CLOCK_SKEW_MS) return 'InvalidSignatureException';
  if (req.headers['x-amz-security-token'] !== caller.sessionToken) return 'UnrecognizedClientException';
  const names = signedHeaders!.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-target', 'content-type', 'x-amz-security-token']) {
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
  const scope = `${day}/${region}/ssm/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${caller.secretAccessKey}`, day!), region), 'ssm'), 'aws4_request');
  const expected = hmac(key, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) return 'InvalidSignatureException';
  return undefined;
}

export class SsmStandIn {
  readonly requests: SsmRequest[] = [];
  private server: Server | undefined;

  constructor(
    private readonly region: string,
    private readonly parameters: Record<string, StoredParameter>,
    readonly callers: Record<string, Caller>,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const [status, answer] = this.answer(req, Buffer.concat(chunks));
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(req: IncomingMessage, body: Buffer): [number, object] {
    const error = (status: number, type: string) => [status, { __type: type, message: type }] as [number, object];
    if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-amz-json-1.1') return error(400, 'SerializationException');
    if (req.headers['x-amz-target'] !== 'AmazonSSM.GetParameter') return error(400, 'UnknownOperationException');
    const problem = signatureProblem(req, body, this.region, this.callers);
    if (problem) return error(problem === 'UnrecognizedClientException' ? 400 : 403, problem);
    const accessKeyId = /Credential=([^/]+)/.exec(String(req.headers['authorization']))![1]!;
    const { Name, WithDecryption } = JSON.parse(body.toString('utf8')) as { Name?: string; WithDecryption?: boolean };
    if (typeof Name !== 'string') return error(400, 'ValidationException');
    this.requests.push({ accessKeyId, name: Name });
    if (!this.callers[accessKeyId]!.allowed.includes(Name)) return error(400, 'AccessDeniedException');
    const stored = this.parameters[Name];
    if (!stored) return error(400, 'ParameterNotFound');
    // Without decryption a SecureString comes back as its ciphertext: useless to the caller.
    const value = stored.type === 'SecureString' && WithDecryption !== true ? Buffer.from(stored.value).toString('base64') : stored.value;
    return [200, { Parameter: { Name, Type: stored.type, Value: value, Version: 1, DataType: 'text' } }];
  }
}
