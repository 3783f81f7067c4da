// The language the pages speak now, and the elements whose texts follow it: each element shown
// with `say` is re-translated in place when the reader switches language, so a half-filled form
// keeps what was typed.
import { chooseLanguage, LANGUAGES, text, type Language, type TextArgs, type TextKey } from './i18n';

// Not a secret: the reader's choice, remembered for the next visit.
const REMEMBERED = 'koodrive.language';

let current: Language = 'en';
const shown = new WeakMap<HTMLElement, { key: TextKey; args: TextArgs }>();

export const language = (): Language => current;

/** A value that reads left to right inside a right-to-left sentence: a phone number, say (Unicode isolates). */
export const isolated = (value: string): string => `\u2066${value}\u2069`;

/** Shows the text of `key` in `element`, and keeps it in the reader's language from now on. */
export function say(element: HTMLElement, key: TextKey, args: TextArgs = {}): HTMLElement {
  shown.set(element, { key, args });
  element.dataset['text'] = key;
  element.textContent = text(current, key, args);
  return element;
}

/** Forgets what `say` showed in `element` and empties it. */
export function unsay(element: HTMLElement): void {
  shown.delete(element);
  delete element.dataset['text'];
  element.textContent = '';
}

const relocalizers = new Set<() => void>();
/** Something else to redo on a switch (the country names of a phone field). */
export const onLanguageChange = (redo: () => void): void => void relocalizers.add(redo);

export function setLanguage(next: Language, remember: boolean): void {
  current = next;
  const root = document.documentElement;
  root.lang = next;
  root.dir = LANGUAGES[next].dir;
  document.title = text(next, 'site.title');
  for (const element of document.querySelectorAll<HTMLElement>('[data-text]')) {
    const entry = shown.get(element);
    if (entry) element.textContent = text(next, entry.key, entry.args);
  }
  for (const redo of relocalizers) redo();
  if (remember) {
    try {
      localStorage.setItem(REMEMBERED, next);
    } catch {
      // Storage refused (a private window): the choice lasts this page only.
    }
  }
}

export function initialLanguage(): Language {
  let remembered: string | null = null;
  try {
    remembered = localStorage.getItem(REMEMBERED);
  } catch {
    // as above
  }
  return chooseLanguage(navigator.languages, remembered);
}
