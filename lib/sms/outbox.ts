// Development sender: appends one JSON line per SMS to a file a developer (or a test) reads.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { logger } from '../logger';
import { maskPhone } from '../phone';
import { requestRef } from '../secrets';
import type { SmsMessage, SmsSender } from './sender';
import { smsText } from './texts';

export class OutboxSmsSender implements SmsSender {
  constructor(private readonly file: string) {}

  async send(message: SmsMessage): Promise<void> {
    // The text as SNS would send it, so that a developer (or a test) reads what the phone would.
    const line = JSON.stringify({ ...message, text: smsText(message.code, message.language), sentAt: new Date().toISOString() });
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, line + '\n', { mode: 0o600 });
    // The console is a log like any other: the masked phone and where to look, never the code or
    // the request id (only the reference logs carry, lib/secrets.ts).
    logger.info(`SMS for ${maskPhone(message.phone)} written to ${this.file}`, { requestRef: requestRef(message.requestId) });
  }
}
