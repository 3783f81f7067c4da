// A local stand-in for SNS's Publish (Query protocol) that checks a request as AWS would: the SigV4
// signature (tests/tools/sigv4.ts), the form's action, version and fields, and an E.164 number.
// Answers as SNS does: a PublishResponse with a MessageId, or an ErrorResponse; the next answers can
// be set to fail. Records what was published.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signatureProblem, type SigningCaller } from './sigv4';

export interface Published {
  accessKeyId: string;
  phoneNumber: string;
  message: string;
  /** MessageAttributes by name: their StringValue. */
  attributes: Record<string, string>;
}

/** An answer SNS might give instead of a success: its status, and its error's type and code; `silent`: none at all. */
export type Failure = { status: number; type: 'Sender' | 'Receiver'; code: string; message?: string } | 'silent';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const E164 = /^\+[1-9][0-9]{6,14}$/;

const errorXml = (type: string, code: string, message: string) =>
  `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
  `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`;

export class SnsStandIn {
  readonly published: Published[] = [];
  /** Answers to give, in order, before succeeding again. */
  readonly failures: Failure[] = [];
  private server: Server | undefined;

  constructor(
    private readonly region: string,
    readonly callers: Record<string, SigningCaller>,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = this.answer(req, Buffer.concat(chunks));
        if (answer === 'silent') return; // the client's timeout ends it
        res.writeHead(answer[0], { 'content-type': 'text/xml' }).end(answer[1]);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(req: IncomingMessage, body: Buffer): [number, string] | 'silent' {
    const error = (status: number, type: string, code: string, message = code): [number, string] => [status, errorXml(type, code, message)];
    if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return error(400, 'Sender', 'MalformedQueryString');
    }
    const problem = signatureProblem(req, body, { region: this.region, service: 'sns', signedHeaders: ['content-type'] }, this.callers);
    if (problem) return error(403, 'Sender', problem === 'InvalidSignatureException' ? 'SignatureDoesNotMatch' : problem);
    const fields = new URLSearchParams(body.toString('utf8'));
    if (fields.get('Action') !== 'Publish') return error(400, 'Sender', 'InvalidAction');
    if (fields.get('Version') !== '2010-03-31') return error(400, 'Sender', 'InvalidParameterValue');
    const phoneNumber = fields.get('PhoneNumber') ?? '';
    const message = fields.get('Message') ?? '';
    if (!E164.test(phoneNumber)) {
      return error(400, 'Sender', 'InvalidParameter', `Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`);
    }
    if (message === '') return error(400, 'Sender', 'InvalidParameter', 'Invalid parameter: Empty message');
    const attributes: Record<string, string> = {};
    for (let i = 1; fields.has(`MessageAttributes.entry.${i}.Name`); i++) {
      attributes[fields.get(`MessageAttributes.entry.${i}.Name`)!] = fields.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    const failure = this.failures.shift();
    if (failure === 'silent') return 'silent';
    if (failure) return error(failure.status, failure.type, failure.code, failure.message);
    const accessKeyId = /Credential=([^/]+)/.exec(String(req.headers['authorization']))![1]!;
    this.published.push({ accessKeyId, phoneNumber, message, attributes });
    return [
      200,
      `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    ];
  }
}
