// A local stand-in for SSM's GetParameter that checks a request as AWS would: the SigV4 signature
// (tests/tools/sigv4.ts), the operation's headers, and the caller's permission for the parameter's
// name. Answers as SSM does, errors included; records who asked for what.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signatureProblem, type SigningCaller } from './sigv4';

export interface StoredParameter {
  value: string;
  type: 'String' | 'SecureString';
}

export interface Caller extends SigningCaller {
  /** Parameter names its role may read. */
  allowed: readonly string[];
}

export interface SsmRequest {
  accessKeyId: string;
  name: string;
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
    const problem = signatureProblem(
      req,
      body,
      { region: this.region, service: 'ssm', signedHeaders: ['x-amz-target', 'content-type'] },
      this.callers,
    );
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
