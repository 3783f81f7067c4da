// Deployed sender: a transactional SMS through Amazon SNS.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { phoneDigits } from '../phone';
import { smsText, type SmsMessage, type SmsSender } from './sender';

export class SnsSmsSender implements SmsSender {
  constructor(private readonly sns: SNSClient) {}

  async send(message: SmsMessage): Promise<void> {
    try {
      await this.sns.send(
        new PublishCommand({
          PhoneNumber: `+${phoneDigits(message.phone)}`,
          Message: smsText(message.code),
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          },
        }),
      );
    } catch (error) {
      throw new SmsSendError(error);
    }
  }
}

/**
 * An SNS failure without SNS's message, which can repeat the destination number ("Invalid
 * parameter: PhoneNumber Reason: +27… is not valid to publish to"): the endpoint logs and traces
 * the message and stack of a 5xx's error. It keeps what tells failures apart and what the
 * endpoint classifies them by: the error's name and network code, and the SDK's fault, retry
 * hint and metadata (status, request id, attempts).
 */
export class SmsSendError extends Error {
  readonly code: unknown;
  readonly $fault: unknown;
  readonly $retryable: unknown;
  readonly $metadata: unknown;

  constructor(error: unknown) {
    const { name, code, $fault, $retryable, $metadata } = (typeof error === 'object' && error !== null ? error : {}) as Record<
      string,
      unknown
    >;
    const snsName = typeof name === 'string' ? name : 'Error';
    super(`SNS Publish failed: ${snsName}`);
    this.name = snsName;
    this.code = code;
    this.$fault = $fault;
    this.$retryable = $retryable;
    this.$metadata = $metadata;
  }
}
