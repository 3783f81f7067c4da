// The SMS sender the configuration asks for. Only the function that sends codes imports this.
//
// The SNS send is not traced as a call of its own (lib/observability/tracer.ts traces the DynamoDB
// client only): the X-Ray SDK records a failed call with its error message whatever the tracer's
// capture settings, and SNS's messages can repeat the destination number. The send still counts in
// the invocation's own subsegment.
import type { Config } from '../config';
import { OutboxSmsSender } from './outbox';
import type { SmsSender } from './sender';
import { SnsSmsSender } from './sns';

export function createSmsSender(config: Config): SmsSender {
  if (config.sms.sender === 'outbox') return new OutboxSmsSender(config.sms.outboxFile);
  return new SnsSmsSender(config.region);
}
