// The SMS sender the configuration asks for. Only the function that sends codes imports this, so
// the SNS client is in that one bundle, not in every function's.
//
// The SNS client is not traced (lib/observability/tracer.ts): the X-Ray SDK records a failed call
// with its error message whatever the tracer's capture settings, and SNS's messages can repeat the
// destination number. The send still counts in the invocation's own subsegment.
import { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../config';
import { OutboxSmsSender } from './outbox';
import type { SmsSender } from './sender';
import { SnsSmsSender } from './sns';

export function createSmsSender(config: Config): SmsSender {
  if (config.sms.sender === 'outbox') return new OutboxSmsSender(config.sms.outboxFile);
  return new SnsSmsSender(new SNSClient({ region: config.region }));
}
