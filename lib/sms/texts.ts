// The SMS text in each language it is written in, in one place. send-code's optional `language`
// header (docs/API.md §2.1; the name KooDrive's other APIs give it, e.g. `en-US`, `ar-EG`) picks
// one by its primary subtag; absent, malformed or a language not listed here: English.
const TEXTS = {
  en: (code: string) => `Your KooDrive verification code is ${code}. Do not share it with anyone.`,
  // U+2066/U+2069 keep the digits in their order inside the right-to-left sentence.
  ar: (code: string) => `رمز التحقق الخاص بك في KooDrive هو \u2066${code}\u2069. لا تشاركه مع أي شخص.`,
} as const satisfies Record<string, (code: string) => string>;

export type SmsLanguage = keyof typeof TEXTS;

export const SMS_LANGUAGES = Object.keys(TEXTS) as SmsLanguage[];

const isSmsLanguage = (value: string): value is SmsLanguage => Object.hasOwn(TEXTS, value);

/** The language of a `language` header's tag (`ar-EG` → `ar`), English when there is none or it is not one of ours. */
export function smsLanguage(tag: string | undefined): SmsLanguage {
  const primary = /^\s*([A-Za-z]{2,3})(?:[-_][\w-]*)?\s*$/.exec(tag ?? '')?.[1]?.toLowerCase();
  return primary !== undefined && isSmsLanguage(primary) ? primary : 'en';
}

export const smsText = (code: string, language: SmsLanguage = 'en'): string => TEXTS[language](code);
