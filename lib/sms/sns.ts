// Deployed sender: a transactional SMS through Amazon SNS, as one SigV4-signed `Publish` (the Query
// protocol: a form-encoded POST, an XML answer) rather than the SNS client, which made the
// send-code bundle 38 KiB larger and its load about 2.5 ms longer (docs/adr/0023-sns-publish-signed.md).
//
// One attempt, no retry: a send whose outcome is unknown (no answer, a server fault) may still
// reach the phone, and a second would text the same person twice. The endpoint answers 503 with
// Retry-After and, when SNS declined (nothing went out), lifts the send's cooldown so the client
// can ask again (lib/domain/verification.ts).
import { AwsRequestError, signedPost, type AwsAnswer } from '../aws/signed-request';
import { phoneDigits } from '../phone';
import { SmsSendError, type SmsMessage, type SmsSender } from './sender';
import { smsText } from './texts';

const API_VERSION = '2010-03-31';
const CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';
// Within API Gateway's 30 s and the function's timeout, with room for the answer's writes.
const TIMEOUT_MS = 5_000;

/** RFC 3986 encoding, as the AWS SDKs encode Query-protocol forms (also `!'()*`). */
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const form = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .join('&');

/** The form of a Publish of `text` to `phone` (E.164, `+` and digits) as a transactional SMS. */
export const publishForm = (phone: string, text: string) =>
  form({
    Action: 'Publish',
    Version: API_VERSION,
    PhoneNumber: phone,
    Message: text,
    'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
    'MessageAttributes.entry.1.Value.DataType': 'String',
    'MessageAttributes.entry.1.Value.StringValue': 'Transactional',
  });

// SNS's error codes that mean "slow down": nothing was sent.
const THROTTLING = new Set(['Throttled', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/**
 * SNS's refusal as the AWS SDK would have reported it (what SmsSendError reads): its error code as
 * the exception's name (`InvalidParameter` → `InvalidParameterException`), `Sender` as a client
 * fault, throttling as retryable. SNS's message is left out: it can repeat the number.
 */
function refusal({ status, text }: AwsAnswer): SmsSendError {
  const code = tag(text, 'Code');
  const name = code ? (code.endsWith('Exception') ? code : `${code}Exception`) : `HTTP${status}Error`;
  const type = tag(text, 'Type');
  const fault = type === 'Sender' || (type === undefined && status >= 400 && status < 500) ? 'client' : 'server';
  const throttled = status === 429 || (code !== undefined && THROTTLING.has(code));
  return new SmsSendError({
    name,
    $fault: fault,
    $retryable: throttled ? { throttling: true } : undefined,
    $metadata: { httpStatusCode: status, requestId: tag(text, 'RequestId'), attempts: 1 },
  });
}

export class SnsSmsSender implements SmsSender {
  constructor(
    private readonly region: string,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    let answer: AwsAnswer;
    try {
      answer = await signedPost({
        service: 'sns',
        region: this.region,
        headers: { 'content-type': CONTENT_TYPE },
        body: publishForm(`+${phoneDigits(message.phone)}`, smsText(message.code, message.language)),
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      // No answer: a network error or the timeout (AwsRequestError, code ETIMEDOUT). Its fate is unknown.
      const { name, code } = error as { name?: unknown; code?: unknown };
      throw new SmsSendError({ name: error instanceof AwsRequestError && code === 'ETIMEDOUT' ? 'TimeoutError' : name, code });
    }
    if (answer.status !== 200 || !tag(answer.text, 'MessageId')) throw refusal(answer);
  }
}
