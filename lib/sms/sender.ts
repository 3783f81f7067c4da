// Where SMS codes go: Amazon SNS when deployed, a local outbox file for development.
import type { CodeType } from '../api/fields';
import type { SmsLanguage } from './texts';

export interface SmsMessage {
  phone: string;
  code: string;
  codeType: CodeType;
  requestId: string;
  /** The language of its text (lib/sms/texts.ts). */
  language: SmsLanguage;
}

export interface SmsSender {
  /** Throws SmsSendError when the provider failed. */
  send(message: SmsMessage): Promise<void>;
}

/**
 * The SMS provider failed. Its message is left out, since it can repeat the destination number
 * ("Invalid parameter: PhoneNumber Reason: +27… is not valid to publish to") and the endpoint logs
 * and traces a failure's message and stack. Kept: the error's name and network code, and the AWS
 * SDK's fault, retry hint and metadata (status, request id, attempts).
 */
export class SmsSendError extends Error {
  readonly code: unknown;
  readonly $fault: unknown;
  readonly $retryable: unknown;
  readonly $metadata: unknown;
  /** The provider answered and declined (an SDK client fault): nothing was sent. */
  readonly refused: boolean;
  /** Worth a retry: the provider throttled, failed on its side, or never answered. */
  readonly transient: boolean;

  constructor(error: unknown) {
    const { name, code, $fault, $retryable, $metadata } = (typeof error === 'object' && error !== null ? error : {}) as Record<
      string,
      unknown
    >;
    const providerName = typeof name === 'string' ? name : 'Error';
    super(`SMS not sent: ${providerName}`);
    this.name = providerName;
    this.code = code;
    this.$fault = $fault;
    this.$retryable = $retryable;
    this.$metadata = $metadata;
    this.refused = $fault === 'client';
    this.transient = $fault !== 'client' || $retryable !== undefined;
  }
}
