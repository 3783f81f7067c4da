// SSM GetParameter as one SigV4-signed HTTPS request, with the signer the AWS SDK itself uses
// (@smithy/signature-v4, in every bundle with the DynamoDB client) and the function role's
// credentials from the environment, where Lambda puts them. It replaces @aws-sdk/client-ssm, whose
// 76 KiB every function loaded to make this one call per container (docs/adr/0013).
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const TARGET = 'AmazonSSM.GetParameter';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TIMEOUT_MS = 3_000;

/** The SHA-256 (HMAC-SHA-256 with a secret) the signer asks for, from node:crypto. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData) =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

type Digest = ReturnType<typeof createHash> | ReturnType<typeof createHmac>;

class Sha256 {
  private hash: Digest;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Digest {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export class ParameterError extends Error {
  override name = 'ParameterError';
}

function credentials() {
  const accessKeyId = process.env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = process.env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) throw new ParameterError('no AWS credentials in the environment');
  const sessionToken = process.env['AWS_SESSION_TOKEN'] || undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/**
 * Where SSM answers: the region's endpoint, or AWS_ENDPOINT_URL_SSM, the variable the AWS SDKs read
 * for the same purpose (the tests' stand-in).
 */
const endpoint = (region: string) => new URL(process.env['AWS_ENDPOINT_URL_SSM'] || `https://ssm.${region}.amazonaws.com/`);

function post(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new ParameterError(`SSM did not answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The value of an SSM parameter, decrypted when it is a SecureString. */
export async function getParameter(name: string, region: string): Promise<string> {
  const url = endpoint(region);
  const body = JSON.stringify({ Name: name, WithDecryption: true });
  const signer = new SignatureV4({ service: 'ssm', region, credentials: credentials(), sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    headers: { host: url.host, 'content-type': CONTENT_TYPE, 'x-amz-target': TARGET },
    body,
  });
  const { status, text } = await post(url, signed.headers, body);
  if (status !== 200) {
    // AWS's JSON error: { __type: 'ParameterNotFound' | 'AccessDeniedException' | ..., message }.
    const type = (JSON.parse(text || '{}') as { __type?: unknown }).__type;
    const kind = typeof type === 'string' ? type.split('#').pop() : `HTTP ${status}`;
    throw new ParameterError(`GetParameter ${name}: ${kind}`);
  }
  const value = (JSON.parse(text) as { Parameter?: { Value?: unknown } }).Parameter?.Value;
  if (typeof value !== 'string' || value === '') throw new ParameterError(`parameter ${name} is empty`);
  return value;
}
