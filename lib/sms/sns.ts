// Deployed sender: a transactional SMS through Amazon SNS.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { phoneDigits } from '../phone';
import { SmsSendError, type SmsMessage, type SmsSender } from './sender';
import { smsText } from './texts';

export class SnsSmsSender implements SmsSender {
  constructor(private readonly sns: SNSClient) {}

  async send(message: SmsMessage): Promise<void> {
    try {
      await this.sns.send(
        new PublishCommand({
          PhoneNumber: `+${phoneDigits(message.phone)}`,
          Message: smsText(message.code, message.language),
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
