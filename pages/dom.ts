// The pieces every page is built from: elements, labelled fields with their hint and error, forms
// that show a failure next to the field it concerns (aria-invalid, aria-describedby) and announce
// it (the page's aria-live region), and buttons that count down before they may be used again.
import type { TextArgs, TextKey } from './i18n';
import { say, unsay } from './locale';
import type { Problem } from './problems';

type Attributes = Readonly<Record<string, string | boolean | undefined>>;

/** `<tag attributes…>children…</tag>`; a `false` or undefined attribute is left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children);
  return element;
}

/** An element showing a catalogue text, kept in the reader's language. */
export function t<K extends keyof HTMLElementTagNameMap>(tag: K, key: TextKey, args?: TextArgs, attributes?: Attributes) {
  const element = h(tag, attributes);
  say(element, key, args);
  return element;
}

let counter = 0;
const uniqueId = (name: string) => `${name}-${++counter}`;

/** The page's one aria-live region: a failure's sentence is read out as it appears. */
export function announce(key: TextKey, args?: TextArgs): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  unsay(region);
  // A new text node each time, so that the same sentence twice is announced twice.
  setTimeout(() => say(region, key, args), 50);
}

export interface Field {
  name: string;
  input: HTMLInputElement;
  row: HTMLElement;
  showError(key: TextKey, args?: TextArgs): void;
  clearError(): void;
}

export interface FieldOptions {
  name: string;
  label: TextKey;
  type?: string;
  autocomplete: string;
  hint?: TextKey;
  hintArgs?: TextArgs;
  optional?: boolean;
  inputmode?: string;
  extra?: Attributes;
}

export function field(options: FieldOptions): Field {
  const id = uniqueId(options.name);
  const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const hint = options.hint ? t('p', options.hint, options.hintArgs, { id: `${id}-hint`, class: 'hint' }) : undefined;
  const label = h('label', { for: id }, t('span', options.label));
  if (options.optional) label.append(' ', t('span', 'site.optional', {}, { class: 'optional' }));
  const input = h('input', {
    id,
    name: options.name,
    type: options.type ?? 'text',
    autocomplete: options.autocomplete,
    inputmode: options.inputmode,
    required: !options.optional,
    'aria-describedby': [hint?.id, error.id].filter(Boolean).join(' '),
    ...options.extra,
  });
  const row = h('div', { class: 'field' }, label, ...(hint ? [hint] : []), input, error);
  return {
    name: options.name,
    input,
    row,
    showError: (key, args) => {
      say(error, key, args);
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    },
    clearError: () => {
      unsay(error);
      error.hidden = true;
      input.removeAttribute('aria-invalid');
    },
  };
}

/** A password field that password managers recognise, with a "show password" switch. */
export function passwordField(name: string, label: TextKey, autocomplete: 'new-password' | 'current-password', hint?: TextKey): Field {
  const base = field({ name, label, type: 'password', autocomplete, ...(hint ? { hint } : {}), extra: { spellcheck: 'false' } });
  const toggleId = uniqueId(`${name}-show`);
  const toggle = h('input', { type: 'checkbox', id: toggleId, class: 'show-password', 'aria-controls': base.input.id });
  toggle.addEventListener('change', () => (base.input.type = toggle.checked ? 'text' : 'password'));
  base.row
    .querySelector('.field-error')
    ?.before(h('div', { class: 'toggle' }, toggle, h('label', { for: toggleId }, t('span', 'password.show'))));
  return base;
}

/** The SMS code: digits, offered by the phone's keyboard and its "from Messages" suggestion. */
export function codeField(hintArgs: TextArgs): Field {
  return field({
    name: 'code',
    label: 'code.label',
    autocomplete: 'one-time-code',
    inputmode: 'numeric',
    hint: 'code.hint',
    hintArgs,
    extra: { pattern: '[0-9]*', maxlength: '6', class: 'code' },
  });
}

export interface Form {
  element: HTMLFormElement;
  submit: HTMLButtonElement;
  /** The form-wide failure, for a problem that concerns no one field. */
  error: HTMLElement;
}

export interface FormOptions {
  submit: TextKey;
  fields: Field[];
  /** Elements after the fields, before the button. */
  extra?: Node[];
  /** Runs the request; a thrown error is turned into the problem to show by `problem`. */
  run: () => Promise<void>;
  problem: (error: unknown) => Problem;
  /** Before the request: a problem found without asking the service. */
  check?: () => Problem | undefined;
  danger?: boolean;
}

/** A form whose failures show next to their field; the button waits out a `Retry-After`. */
export function form(options: FormOptions): Form {
  const submit = t('button', options.submit, {}, { type: 'submit', class: options.danger ? 'danger' : undefined });
  const error = h('p', { class: 'form-error', hidden: true });
  const element = h('form', { novalidate: true }, ...options.fields.map((f) => f.row), ...(options.extra ?? []), error, submit);
  const clear = () => {
    for (const f of options.fields) f.clearError();
    unsay(error);
    error.hidden = true;
  };
  const show = (problem: Problem) => {
    const target = options.fields.find((f) => f.name === problem.field);
    if (target) {
      target.showError(problem.key, problem.args);
      target.input.focus();
    } else {
      say(error, problem.key, problem.args);
      error.hidden = false;
    }
    announce(problem.key, problem.args);
    if (problem.retryAfter !== undefined) countdown(submit, problem.retryAfter, options.submit, 'form.retryIn');
  };
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clear();
    const early = options.check?.();
    if (early) {
      show(early);
      return;
    }
    submit.disabled = true;
    element.setAttribute('aria-busy', 'true');
    options
      .run()
      .catch((failure: unknown) => show(options.problem(failure)))
      .finally(() => {
        element.removeAttribute('aria-busy');
        if (!submit.dataset['waiting']) submit.disabled = false;
      });
  });
  return { element, submit, error };
}

/**
 * Disables `button` for `seconds`, its label counting down (`counting`, with `{seconds}`), then
 * gives it back its `idle` label. A second countdown on the same button replaces the first.
 */
export function countdown(button: HTMLButtonElement, seconds: number, idle: TextKey, counting: TextKey): void {
  const previous = Number(button.dataset['timer']);
  if (previous) clearInterval(previous);
  const until = Date.now() + seconds * 1000;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left <= 0) {
      clearInterval(Number(button.dataset['timer']));
      delete button.dataset['timer'];
      delete button.dataset['waiting'];
      button.disabled = false;
      say(button, idle);
      return;
    }
    button.disabled = true;
    button.dataset['waiting'] = 'true';
    say(button, counting, { seconds: left });
  };
  tick();
  if (seconds > 0) button.dataset['timer'] = String(setInterval(tick, 1000));
}

/** A section of a page: its heading focused when it appears, so keyboard and screen reader follow. */
export function section(heading: TextKey, args: TextArgs | undefined, ...children: Node[]): HTMLElement {
  const title = t('h2', heading, args, { tabindex: '-1' });
  return h('section', {}, title, ...children);
}

/**
 * Replaces what `host` shows. When the reader was in it (they submitted its form), the focus moves
 * to the first heading of what it shows now, so keyboard and screen reader follow; a page's first
 * rendering leaves the focus where the browser put it.
 */
export function show(host: HTMLElement, ...content: Node[]): void {
  const following = document.activeElement !== null && host.contains(document.activeElement);
  host.replaceChildren(...content);
  if (following) host.querySelector<HTMLElement>('h2, h1, [role="status"]')?.focus();
}

/** A success or information message, read out as it appears. */
export const notice = (key: TextKey, args?: TextArgs) => t('p', key, args, { class: 'notice', role: 'status' });
