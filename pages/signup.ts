// Sign up (docs/API.md §2, §1): phone, the SMS code, then name, email and password; signed in at
// the end, on the account page.
import { pageUrl, signUp } from './api';
import { startCodeFlow, type Verified } from './code-step';
import { field, form, h, passwordField, section, show, t } from './dom';
import { isolated } from './locale';
import { displayed } from './phone-field';
import { problemOf } from './problems';

export function signupPage(host: HTMLElement): void {
  const heading = t('h1', 'signup.heading');
  const steps = h('div');
  host.replaceChildren(heading, steps);
  startCodeFlow({
    host: steps,
    codeType: '1',
    phoneHeading: 'signup.phoneStep',
    codeHeading: 'signup.codeStep',
    after: [h('p', {}, t('a', 'signup.haveAccount', {}, { href: pageUrl('login') }))],
    verified: (verified) => detailsStep(steps, verified),
  });
}

function detailsStep(host: HTMLElement, { phone, token }: Verified): void {
  const number = t('p', 'signup.forNumber', { number: isolated(displayed(phone)) }, { class: 'for-number', id: 'signup-number' });
  const firstname = field({ name: 'firstname', label: 'name.first', autocomplete: 'given-name' });
  const surname = field({ name: 'surname', label: 'name.last', autocomplete: 'family-name', optional: true });
  const email = field({
    name: 'email',
    label: 'email.label',
    type: 'email',
    autocomplete: 'email',
    optional: true,
    extra: { spellcheck: 'false' },
  });
  const password = passwordField('password', 'password.label', 'new-password', 'password.hint');
  // Password managers file the new password under this username.
  const username = h('input', { type: 'hidden', name: 'username', autocomplete: 'username', value: phone });
  const details = form({
    submit: 'signup.submit',
    fields: [firstname, surname, email, password],
    extra: [username],
    check: () => {
      if (firstname.input.value.trim() === '') return { field: 'firstname', key: 'error.firstname' };
      if (password.input.value === '') return { field: 'password', key: 'error.passwordEmpty' };
      return undefined;
    },
    run: async () => {
      await signUp({
        phone,
        captchaToken: token,
        firstname: firstname.input.value,
        surname: surname.input.value,
        email: email.input.value,
        password: password.input.value,
      });
      location.assign(pageUrl('account'));
    },
    problem: (error) =>
      problemOf(error, {
        weakPassword: 'password',
        'parameter:firstname': 'firstname',
        'parameter:surname': 'surname',
        'parameter:email': 'email',
        'parameter:password': 'password',
      }),
  });
  show(host, section('signup.detailsStep', undefined, number, details.element));
}
