// Where SMS codes go: Amazon SNS when deployed, a local outbox file for development.
import type { CodeType } from '../schemas';

export interface SmsMessage {
  phone: string;
  code: string;
  codeType: CodeType;
  requestId: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

export const smsText = (code: string): string => `Your KooDrive verification code is ${code}. Do not share it with anyone.`;
