// The account page (docs/API.md §6): the profile, a new password, a new phone number, signing out
// everywhere and deleting the account, for the session the cookie holds (pages/api.ts).
import { KooDriveError, type UserInfoData } from '../client';
import { api, forget, pageUrl, resume, type PageSession } from './api';
import { startCodeFlow, type Verified } from './code-step';
import { field, form, h, notice, passwordField, section, show, t } from './dom';
import { isolated, say } from './locale';
import { displayed } from './phone-field';
import { problemOf } from './problems';

export function accountPage(host: HTMLElement): void {
  host.replaceChildren(t('h1', 'account.heading'), t('p', 'account.loading', {}, { role: 'status' }));
  resume()
    .then(async (session) => {
      if (!session) {
        signedOut(host, 'account.signedOut');
        return;
      }
      const account = new Account(host, session);
      await account.render();
    })
    .catch((error: unknown) => {
      const problem = problemOf(error);
      host.replaceChildren(t('h1', 'account.heading'), t('p', problem.key, problem.args, { class: 'form-error', role: 'alert' }));
    });
}

function signedOut(host: HTMLElement, key: 'account.signedOut' | 'account.deleted' | 'account.signedOutAll' | 'error.signedOut'): void {
  host.replaceChildren(
    t('h1', 'account.heading'),
    t('p', key, {}, { class: 'notice', role: 'status' }),
    h('p', {}, t('a', 'account.toLogin', {}, { href: pageUrl('login') })),
  );
}

class Account {
  private profile: UserInfoData | undefined;

  constructor(
    private readonly host: HTMLElement,
    private session: PageSession,
  ) {}

  /**
   * Runs `call` with the access token; one that has expired meanwhile is renewed from the cookie
   * once and the call retried. A session that has ended shows the signed-out page.
   */
  private async authorized<T>(call: (accessToken: string) => Promise<T>): Promise<T> {
    try {
      return await call(this.session.accessToken);
    } catch (error) {
      if (!(error instanceof KooDriveError && error.kind === 'invalidAccessToken')) throw error;
      const renewed = await resume();
      if (!renewed) {
        signedOut(this.host, 'error.signedOut');
        throw error;
      }
      this.session = renewed;
      return call(this.session.accessToken);
    }
  }

  async render(): Promise<void> {
    this.profile = await this.authorized((accessToken) => api.userInfo({ accessToken }));
    this.host.replaceChildren(
      t('h1', 'account.heading'),
      this.profileSection(this.profile),
      this.passwordSection(),
      this.phoneSection(),
      this.signOutSection(),
      this.deleteSection(),
    );
  }

  private profileSection(profile: UserInfoData): HTMLElement {
    const phone = t(
      'p',
      'account.phoneNow',
      { number: isolated(displayed(`+${profile.phone.replace(/^00/, '')}`)) },
      { id: 'current-phone' },
    );
    const firstname = field({ name: 'firstname', label: 'name.first', autocomplete: 'given-name', extra: { value: profile.firstname } });
    const surname = field({
      name: 'surname',
      label: 'name.last',
      autocomplete: 'family-name',
      optional: true,
      extra: { value: profile.surname },
    });
    const email = field({
      name: 'email',
      label: 'email.label',
      type: 'email',
      autocomplete: 'email',
      optional: true,
      extra: { value: profile.email, spellcheck: 'false' },
    });
    const saved = h('div');
    const profileForm = form({
      submit: 'account.saveProfile',
      fields: [firstname, surname, email],
      check: () => (firstname.input.value.trim() === '' ? { field: 'firstname', key: 'error.firstname' } : undefined),
      run: async () => {
        saved.replaceChildren();
        await this.authorized((accessToken) =>
          api.updateUserInfo({
            accessToken,
            userId: this.session.userId,
            firstname: firstname.input.value,
            surname: surname.input.value,
            email: email.input.value,
          }),
        );
        saved.replaceChildren(notice('account.profileSaved'));
      },
      problem: (error) =>
        problemOf(error, { 'parameter:firstname': 'firstname', 'parameter:surname': 'surname', 'parameter:email': 'email' }),
    });
    return section('account.profile', undefined, phone, profileForm.element, saved);
  }

  private passwordSection(): HTMLElement {
    const current = passwordField('oldPassword', 'password.currentLabel', 'current-password');
    const next = passwordField('newPassword', 'password.newLabel', 'new-password', 'password.hint');
    const saved = h('div');
    const passwordForm = form({
      submit: 'account.savePassword',
      fields: [current, next],
      check: () => {
        if (current.input.value === '') return { field: 'oldPassword', key: 'error.passwordEmpty' };
        if (next.input.value === '') return { field: 'newPassword', key: 'error.passwordEmpty' };
        return undefined;
      },
      run: async () => {
        saved.replaceChildren();
        await this.authorized((accessToken) =>
          api.passwordModify({ accessToken, userId: this.session.userId, oldPassword: current.input.value, newPassword: next.input.value }),
        );
        current.input.value = '';
        next.input.value = '';
        saved.replaceChildren(notice('account.passwordSaved'));
      },
      problem: (error) => {
        const problem = problemOf(error, { badCredentials: 'oldPassword', weakPassword: 'newPassword', tooManyAttempts: 'oldPassword' });
        return problem.key === 'error.badCredentials' ? { ...problem, key: 'error.badPassword' } : problem;
      },
    });
    return section('account.password', undefined, passwordForm.element, saved);
  }

  private phoneSection(): HTMLElement {
    const steps = h('div');
    const start = () =>
      startCodeFlow({
        host: steps,
        codeType: '4',
        phoneHeading: 'account.newPhone',
        codeHeading: 'account.newPhone',
        phoneLabel: 'account.newPhone',
        accessToken: () => this.authorized((accessToken) => Promise.resolve(accessToken)),
        verified: (verified) => this.confirmPhone(steps, verified, start),
      });
    start();
    return h('section', { class: 'phone-change' }, t('h2', 'account.phone'), steps);
  }

  private confirmPhone(host: HTMLElement, { phone, token }: Verified, again: () => void): void {
    const password = passwordField('password', 'account.confirmPassword', 'current-password');
    const phoneForm = form({
      submit: 'account.savePhone',
      fields: [password],
      check: () => (password.input.value === '' ? { field: 'password', key: 'error.passwordEmpty' } : undefined),
      run: async () => {
        const changed = await this.authorized((accessToken) =>
          api.phoneModify({
            accessToken,
            userId: this.session.userId,
            newPhone: phone,
            captchaToken: token,
            password: password.input.value,
          }),
        );
        const number = isolated(displayed(`+${changed.phone.replace(/^00/, '')}`));
        const current = document.getElementById('current-phone');
        if (current) say(current, 'account.phoneNow', { number });
        show(host, notice('account.phoneSaved', { number }));
        const restart = t('button', 'code.changeNumber', {}, { type: 'button', class: 'link' });
        restart.addEventListener('click', again);
        host.append(restart);
      },
      problem: (error) => {
        const problem = problemOf(error, { badCredentials: 'password', tooManyAttempts: 'password' });
        return problem.key === 'error.badCredentials' ? { ...problem, key: 'error.badPassword' } : problem;
      },
    });
    show(host, section('account.confirmPassword', undefined, phoneForm.element));
  }

  private signOutSection(): HTMLElement {
    const everywhere = form({
      submit: 'account.signOutAll',
      fields: [],
      run: async () => {
        await this.authorized((accessToken) => api.logout({ userId: this.session.userId, accessToken, allSessions: true }));
        await forget();
        signedOut(this.host, 'account.signedOutAll');
      },
      problem: (error) => problemOf(error),
    });
    return section('account.signOutAll', undefined, t('p', 'account.signOutAllText'), everywhere.element);
  }

  private deleteSection(): HTMLElement {
    const area = h('div');
    const phone = this.profile ? isolated(displayed(`+${this.profile.phone.replace(/^00/, '')}`)) : '';
    const ask = () => {
      const start = t('button', 'account.deleteStart', {}, { type: 'button', class: 'danger' });
      start.addEventListener('click', confirm);
      area.replaceChildren(start);
    };
    const confirm = () => {
      const cancel = t('button', 'account.deleteCancel', {}, { type: 'button', class: 'secondary' });
      const confirmation = form({
        submit: 'account.deleteConfirm',
        danger: true,
        fields: [],
        extra: [],
        run: async () => {
          await this.authorized((accessToken) => api.userDelete({ accessToken, userId: this.session.userId }));
          await forget();
          signedOut(this.host, 'account.deleted');
        },
        problem: (error) => problemOf(error),
      });
      cancel.addEventListener('click', () => {
        ask();
        area.querySelector('button')?.focus();
      });
      const question = t('p', 'account.deleteAsk', { number: phone }, { id: 'delete-question', class: 'warning' });
      confirmation.element.setAttribute('aria-labelledby', question.id);
      confirmation.element.append(cancel);
      area.replaceChildren(question, confirmation.element);
      confirmation.submit.focus();
    };
    ask();
    return section('account.delete', undefined, t('p', 'account.deleteText'), area);
  }
}
