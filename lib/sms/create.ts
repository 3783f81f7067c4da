// The SMS sender the configuration asks for. Only the function that sends codes imports this, so
// the SNS client is in that one bundle, not in every function's.
import { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../config';
import { traced } from '../observability/tracer';
import { OutboxSmsSender } from './outbox';
import type { SmsSender } from './sender';
import { SnsSmsSender } from './sns';

export async function createSmsSender(config: Config): Promise<SmsSender> {
  if (config.sms.sender === 'outbox') return new OutboxSmsSender(config.sms.outboxFile);
  return new SnsSmsSender(await traced(new SNSClient({ region: config.region })));
}
