// The hosted account pages' one script (README, "Hosted pages"): it picks the reader's language,
// puts the language switch and the page's landmarks in place, and renders the page the HTML names
// (lib/pages/site.ts). Bundled for browsers with the typed client (esbuild.config.cjs).
import type { PageName } from '../lib/pages/site';
import { accountPage } from './account';
import { pageUrl } from './api';
import { h, t } from './dom';
import { LANGUAGES, type Language } from './i18n';
import { initialLanguage, language, setLanguage } from './locale';
import { loginPage } from './login';
import { resetPage } from './reset';
import { signupPage } from './signup';

function homePage(host: HTMLElement): void {
  const links = (['signup', 'login', 'reset', 'account'] as const).map((page) =>
    h('li', {}, t('a', `home.${page}`, {}, { href: pageUrl(page) })),
  );
  host.replaceChildren(t('h1', 'home.heading'), t('p', 'home.intro'), h('ul', { class: 'links' }, ...links));
}

function notFoundPage(host: HTMLElement): void {
  host.replaceChildren(t('h1', 'notFound.heading'), t('p', 'notFound.text'), h('p', {}, t('a', 'nav.home', {}, { href: pageUrl('home') })));
}

const RENDER: Readonly<Record<PageName | 'notFound', (host: HTMLElement) => void>> = {
  home: homePage,
  signup: signupPage,
  login: loginPage,
  reset: resetPage,
  account: accountPage,
  notFound: notFoundPage,
};

/** The switch: one button per other language, each named in its own language. */
function languageSwitch(): HTMLElement {
  const nav = h('nav', { class: 'languages' });
  const render = () => {
    const others = (Object.keys(LANGUAGES) as Language[]).filter((code) => code !== language());
    nav.setAttribute('aria-label', LANGUAGES[language()].texts['site.language']);
    nav.replaceChildren(
      ...others.map((code) => {
        const button = h('button', { type: 'button', lang: code, dir: LANGUAGES[code].dir, class: 'link' }, LANGUAGES[code].name);
        button.addEventListener('click', () => {
          setLanguage(code, true);
          render();
          nav.querySelector('button')?.focus();
        });
        return button;
      }),
    );
  };
  render();
  return nav;
}

function start(): void {
  setLanguage(initialLanguage(), false);
  const main = document.getElementById('main');
  if (!main) return;
  const header = h(
    'header',
    { class: 'site' },
    h('a', { href: pageUrl('home'), class: 'brand' }, t('span', 'site.title')),
    languageSwitch(),
  );
  const announcer = h('div', { id: 'announcer', class: 'visually-hidden', 'aria-live': 'assertive', role: 'alert' });
  document.body.prepend(header);
  document.body.append(announcer);
  const page = document.body.dataset['page'] ?? '';
  (Object.hasOwn(RENDER, page) ? RENDER[page as PageName] : notFoundPage)(main);
}

start();
