// The two steps every code flow shares (docs/API.md §2): a phone number, an SMS code sent to it,
// and the code typed back, which buys a captcha token for the flow's last step. The resend button
// counts down from the service's `resendAfter`, and from `Retry-After` when a send is refused.
import type { CodeType } from '../lib/api/fields';
import { api } from './api';
import { announce, codeField, countdown, form, h, section, show, t } from './dom';
import type { TextKey } from './i18n';
import { isolated, language, say } from './locale';
import { displayed, phoneField } from './phone-field';
import { problemOf, type Problem } from './problems';

export interface Verified {
  /** The number as the service was given it (international form). */
  phone: string;
  /** The captcha token of §2.2. */
  token: string;
}

export interface CodeFlow {
  host: HTMLElement;
  codeType: CodeType;
  /** The heading of the phone step, and of the code step. */
  phoneHeading: TextKey;
  codeHeading: TextKey;
  phoneLabel?: TextKey;
  /** Before the phone form: an introduction. */
  intro?: Node[];
  /** After the phone form: links elsewhere. */
  after?: Node[];
  /** A phone-change code is sent for a signed-in user. */
  accessToken?: () => Promise<string>;
  verified: (result: Verified) => void;
}

const phoneProblem = (error: unknown): Problem =>
  problemOf(error, { 'parameter:phone': 'phone', destinationNotAllowed: 'phone', tooManyAttempts: 'phone' });

async function send(flow: CodeFlow, phone: string) {
  const accessToken = flow.accessToken ? await flow.accessToken() : undefined;
  // The SMS is written in the language the reader is reading the page in.
  return api.sendCode({ phone, codeType: flow.codeType, language: language(), ...(accessToken === undefined ? {} : { accessToken }) });
}

/** Shows the phone step in `flow.host`; the code step follows; `flow.verified` gets the token. */
export function startCodeFlow(flow: CodeFlow): void {
  const phone = phoneField('phone', flow.phoneLabel);
  const phoneForm = form({
    submit: 'code.send',
    fields: [phone],
    check: () => (phone.value() === undefined ? { field: 'phone', key: 'error.phone' } : undefined),
    run: async () => {
      const number = phone.value() ?? '';
      const sent = await send(flow, number);
      showCodeStep(flow, number, sent.requestId, sent.resendAfter);
    },
    problem: phoneProblem,
  });
  show(flow.host, section(flow.phoneHeading, undefined, ...(flow.intro ?? []), phoneForm.element, ...(flow.after ?? [])));
}

function showCodeStep(flow: CodeFlow, phone: string, firstRequestId: string, resendAfter: number): void {
  let requestId = firstRequestId;
  const code = codeField({ number: isolated(displayed(phone)) });
  const resend = t('button', 'code.resend', {}, { type: 'button', class: 'secondary' });
  const resendError = h('p', { class: 'form-error', hidden: true });
  const back = t('button', 'code.changeNumber', {}, { type: 'button', class: 'link' });
  const codeForm = form({
    submit: 'code.submit',
    fields: [code],
    check: () => (/^\d{6}$/.test(code.input.value.trim()) ? undefined : { field: 'code', key: 'error.code' }),
    run: async () => {
      const { token } = await api.validateCode({ requestId, code: code.input.value.trim(), codeType: flow.codeType });
      flow.verified({ phone, token });
    },
    problem: (error) => problemOf(error, { wrongCode: 'code', tokenExpired: 'code', tooManyAttempts: 'code', 'parameter:code': 'code' }),
  });
  countdown(resend, resendAfter, 'code.resend', 'code.resendIn');
  resend.addEventListener('click', () => {
    resendError.hidden = true;
    resend.disabled = true;
    send(flow, phone)
      .then((sent) => {
        requestId = sent.requestId;
        code.clearError();
        code.input.value = '';
        code.input.focus();
        countdown(resend, sent.resendAfter, 'code.resend', 'code.resendIn');
      })
      .catch((error: unknown) => {
        const problem = phoneProblem(error);
        say(resendError, problem.key, problem.args);
        resendError.hidden = false;
        announce(problem.key, problem.args);
        countdown(resend, problem.retryAfter ?? 0, 'code.resend', 'code.resendIn');
      });
  });
  back.addEventListener('click', () => startCodeFlow(flow));
  show(flow.host, section(flow.codeHeading, undefined, codeForm.element, h('div', { class: 'actions' }, resend, back), resendError));
}
