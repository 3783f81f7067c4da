// One SigV4-signed HTTPS POST to an AWS service, with the signer the AWS SDK itself uses
// (@smithy/signature-v4, in every bundle with the DynamoDB client) and the function role's
// credentials from the environment, where Lambda puts them. For the single calls a function makes
// beside DynamoDB (SSM's GetParameter, SNS's Publish), which would otherwise each bring an SDK
// client of its own to every cold start (docs/adr/0013, 0023).
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

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

/** The request could not be made, or got no answer: which, in words, with a network code where there is one. */
export class AwsRequestError extends Error {
  override name = 'AwsRequestError';
  constructor(
    message: string,
    /** `ETIMEDOUT` when the service did not answer in time. */
    readonly code?: string,
  ) {
    super(message);
  }
}

function credentials() {
  const accessKeyId = process.env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = process.env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) throw new AwsRequestError('no AWS credentials in the environment');
  const sessionToken = process.env['AWS_SESSION_TOKEN'] || undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/**
 * Where the service answers: the region's endpoint, or AWS_ENDPOINT_URL_<SERVICE>, the variable
 * the AWS SDKs read for the same purpose (the tests' stand-ins).
 */
const endpoint = (service: string, region: string) =>
  new URL(process.env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || `https://${service}.${region}.amazonaws.com/`);

export interface SignedPost {
  /** The signing name and endpoint prefix: `ssm`, `sns`. */
  service: string;
  region: string;
  /** Beside `host` and the signature's, all signed. */
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface AwsAnswer {
  status: number;
  text: string;
}

/** Signs and sends the request; answers whatever status the service gave, rejects only when it gave none. */
export async function signedPost({ service, region, headers, body, timeoutMs }: SignedPost): Promise<AwsAnswer> {
  const url = endpoint(service, region);
  const signer = new SignatureV4({ service, region, credentials: credentials(), sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    headers: { host: url.host, ...headers },
    body,
  });
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers: signed.headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new AwsRequestError(`${service} did not answer within ${timeoutMs} ms`, 'ETIMEDOUT')));
    req.on('error', reject);
    req.end(body);
  });
}
