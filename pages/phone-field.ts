// A phone number as a person types it: a country, then the number as written at home (a leading
// trunk 0 and spaces welcome), or a whole international number starting with + or 00. Below it,
// the number exactly as it will be used, in international form. libphonenumber-js (the metadata of
// Google's libphonenumber) knows each country's calling code and trunk prefix; it is bundled into
// the pages' script at build time (esbuild.config.cjs), nothing is fetched.
import { AsYouType, getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { h, t, type Field } from './dom';
import { isolated, language, onLanguageChange, say } from './locale';
import type { TextKey } from './i18n';

export interface PhoneField extends Field {
  /** The number in international form (`+27188460901`), or undefined while it is not one. */
  value(): string | undefined;
}

/** The reader's country from the region of their languages (`en-ZA`), if any. */
function guessedCountry(): CountryCode | undefined {
  const known = new Set<string>(getCountries());
  for (const tag of navigator.languages) {
    const region = tag.split('-')[1]?.toUpperCase();
    if (region && known.has(region)) return region as CountryCode;
  }
  return undefined;
}

/** What the number will be: `+` and digits, or undefined while there are too few digits. */
export function internationalNumber(typed: string, country: CountryCode): string | undefined {
  const trimmed = typed.trim();
  const international = /^(\+|00)/.test(trimmed);
  const parsed = parsePhoneNumberFromString(international ? trimmed.replace(/^00/, '+') : trimmed, international ? undefined : country);
  if (parsed) return parsed.number;
  // Not a number libphonenumber knows: the service takes any 8-15 digits after the prefix (docs/API.md §0).
  const digits = trimmed.replace(/\D/g, '');
  if (international) return digits.length >= 8 ? `+${digits.replace(/^00/, '')}` : undefined;
  const national = digits.replace(/^0/, '');
  return national.length >= 4 ? `+${getCountryCallingCode(country)}${national}` : undefined;
}

/** `+27 18 846 0901`: the international number, grouped as its country writes it. */
export const displayed = (international: string): string => new AsYouType().input(international);

export function phoneField(name: string, label: TextKey = 'phone.label'): PhoneField {
  const id = `${name}-number`;
  const countryId = `${name}-country`;
  const select = h('select', { id: countryId, name: `${name}Country`, autocomplete: 'tel-country-code' });
  const fillCountries = () => {
    const chosen = select.value || guessedCountry() || 'ZA';
    const names = new Intl.DisplayNames([language()], { type: 'region' });
    const options = getCountries()
      .map((code) => ({ code, label: `${names.of(code) ?? code} (${isolated(`+${getCountryCallingCode(code)}`)})` }))
      .sort((a, b) => a.label.localeCompare(b.label, language()));
    select.replaceChildren(...options.map(({ code, label: text }) => h('option', { value: code, selected: code === chosen }, text)));
    select.value = chosen;
  };
  fillCountries();
  onLanguageChange(fillCountries);

  const hint = t('p', 'phone.hint', {}, { id: `${id}-hint`, class: 'hint' });
  const preview = h('p', { id: `${id}-preview`, class: 'preview', 'aria-live': 'polite' });
  const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const input = h('input', {
    id,
    name,
    type: 'tel',
    autocomplete: 'tel-national',
    inputmode: 'tel',
    required: true,
    dir: 'ltr',
    'aria-describedby': `${hint.id} ${preview.id} ${error.id}`,
  });
  const value = () => internationalNumber(input.value, select.value as CountryCode);
  const update = () => {
    const number = value();
    if (number) say(preview, 'phone.preview', { number: isolated(displayed(number)) });
    else say(preview, 'phone.previewEmpty');
  };
  input.addEventListener('input', update);
  select.addEventListener('change', update);
  update();

  const row = h(
    'div',
    { class: 'field phone' },
    h('label', { for: countryId }, t('span', 'phone.country')),
    select,
    h('label', { for: id }, t('span', label)),
    hint,
    input,
    preview,
    error,
  );
  return {
    name,
    input,
    row,
    value,
    showError: (key, args) => {
      say(error, key, args);
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    },
    clearError: () => {
      error.hidden = true;
      error.textContent = '';
      input.removeAttribute('aria-invalid');
    },
  };
}
