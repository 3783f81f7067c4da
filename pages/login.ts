// Log in (docs/API.md §3.1): with the password, or with an SMS code (§2, codeType "2").
import { logIn, pageUrl } from './api';
import { startCodeFlow } from './code-step';
import { form, h, passwordField, section, show, t } from './dom';
import { phoneField } from './phone-field';
import { problemOf } from './problems';

const toAccount = () => location.assign(pageUrl('account'));

export function loginPage(host: HTMLElement): void {
  const steps = h('div');
  const byPassword = h('input', { type: 'radio', name: 'method', id: 'method-password', value: 'password', checked: true });
  const byCode = h('input', { type: 'radio', name: 'method', id: 'method-code', value: 'code' });
  const method = h(
    'fieldset',
    { class: 'method' },
    t('legend', 'login.method'),
    h('div', { class: 'choice' }, byPassword, h('label', { for: byPassword.id }, t('span', 'login.withPassword'))),
    h('div', { class: 'choice' }, byCode, h('label', { for: byCode.id }, t('span', 'login.withCode'))),
  );
  const links = () => [
    h('p', {}, t('a', 'login.forgot', {}, { href: pageUrl('reset') })),
    h('p', {}, t('a', 'login.noAccount', {}, { href: pageUrl('signup') })),
  ];
  const render = () => (byCode.checked ? withCode(steps, links()) : withPassword(steps, links()));
  byPassword.addEventListener('change', render);
  byCode.addEventListener('change', render);
  host.replaceChildren(t('h1', 'login.heading'), method, steps);
  render();
}

function withPassword(host: HTMLElement, links: Node[]): void {
  const phone = phoneField('phone');
  phone.input.setAttribute('autocomplete', 'username');
  const password = passwordField('password', 'password.label', 'current-password');
  const login = form({
    submit: 'login.submit',
    fields: [phone, password],
    check: () => {
      if (phone.value() === undefined) return { field: 'phone', key: 'error.phone' };
      if (password.input.value === '') return { field: 'password', key: 'error.passwordEmpty' };
      return undefined;
    },
    run: async () => {
      await logIn({ account: phone.value() ?? '', authType: '1', password: password.input.value });
      toAccount();
    },
    problem: (error) => problemOf(error, { badCredentials: 'password', 'parameter:account': 'phone', 'parameter:password': 'password' }),
  });
  show(host, section('login.withPassword', undefined, login.element, ...links));
  host.querySelector('h2')?.blur();
}

function withCode(host: HTMLElement, links: Node[]): void {
  startCodeFlow({
    host,
    codeType: '2',
    phoneHeading: 'login.withCode',
    codeHeading: 'login.withCode',
    after: links,
    verified: ({ phone, token }) => {
      logIn({ account: phone, authType: '2', captchaToken: token })
        .then(toAccount)
        .catch((error: unknown) => {
          const problem = problemOf(error);
          host.append(t('p', problem.key, problem.args, { class: 'form-error', role: 'alert' }));
        });
    },
  });
}
