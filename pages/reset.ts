// A forgotten password (docs/API.md §6.2): the phone, an SMS code (codeType "3"), a new password.
import { api, pageUrl } from './api';
import { startCodeFlow, type Verified } from './code-step';
import { form, h, notice, passwordField, section, show, t } from './dom';
import { problemOf } from './problems';

export function resetPage(host: HTMLElement): void {
  const steps = h('div');
  host.replaceChildren(t('h1', 'reset.heading'), steps);
  startCodeFlow({
    host: steps,
    codeType: '3',
    phoneHeading: 'reset.heading',
    codeHeading: 'reset.heading',
    intro: [t('p', 'reset.intro')],
    verified: (verified) => newPassword(steps, verified),
  });
}

function newPassword(host: HTMLElement, { phone, token }: Verified): void {
  const password = passwordField('password', 'password.newLabel', 'new-password', 'password.hint');
  const username = h('input', { type: 'hidden', name: 'username', autocomplete: 'username', value: phone });
  const reset = form({
    submit: 'reset.submit',
    fields: [password],
    extra: [username],
    check: () => (password.input.value === '' ? { field: 'password', key: 'error.passwordEmpty' } : undefined),
    run: async () => {
      await api.passwordReset({ phoneNumber: phone, captchaToken: token, newPwd: password.input.value });
      show(
        host,
        section('reset.heading', undefined, notice('reset.done'), h('p', {}, t('a', 'reset.toLogin', {}, { href: pageUrl('login') }))),
      );
    },
    problem: (error) => problemOf(error, { weakPassword: 'password', 'parameter:newPwd': 'password' }),
  });
  show(host, section('reset.passwordStep', undefined, reset.element));
}
