// Phone numbers as docs/API.md §0 defines them: `00` or `+` prefix, 8–15 digits, separators ignored.
// No numbering-plan validation: the reference number 0027188460901 is not a real range. The one
// rule taken from E.164: a country calling code never starts with 0. Without it `+027…` would
// become `00027…`, a key of its own beside `0027…`, and `+00000000` a destination.

/** Digits after the prefix: E.164's length. */
export const PHONE_DIGITS = { min: 8, max: 15 } as const;

const SEPARATORS = /[\s\-()]/g;
const INTERNATIONAL = new RegExp(`^(?:\\+|00)([1-9][0-9]{${PHONE_DIGITS.min - 1},${PHONE_DIGITS.max - 1}})$`);

/** Canonical `00`-prefixed form, or undefined when the input is not a phone number. */
export function canonicalPhone(input: string): string | undefined {
  const match = INTERNATIONAL.exec(input.replace(SEPARATORS, ''));
  return match ? `00${match[1]}` : undefined;
}

/** The digits after the `00` prefix (E.164 without `+`). */
export const phoneDigits = (canonical: string): string => canonical.slice(2);

/** For logs: keeps the country-ish head and the last two digits, `0027*******01`. */
export function maskPhone(canonical: string): string {
  if (canonical.length <= 6) return '*'.repeat(canonical.length);
  return canonical.slice(0, 4) + '*'.repeat(canonical.length - 6) + canonical.slice(-2);
}
