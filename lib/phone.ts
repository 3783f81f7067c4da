// Phone numbers as docs/API.md §0 defines them: `00` or `+` prefix, 8–15 digits, separators ignored.
// No numbering-plan validation: the reference number 0027188460901 is not a real range. The one
// rule taken from E.164: a country calling code never starts with 0. Without it `+027…` would
// become `00027…`, a key of its own beside `0027…`, and `+00000000` a destination.
import { CALLING_CODES } from './calling-codes';

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

// ---- Country calling codes (docs/SECURITY.md, "Where SMS may go") ----

// Built on first use: the bundles that never ask leave the table out.
let codes: Set<string> | undefined;
const assigned = (): Set<string> => (codes ??= new Set(CALLING_CODES.split(' ')));

/**
 * The country calling code a canonical phone starts with (`0027…` → `27`, `001…` → `1`), or
 * undefined when it starts with none that is assigned. The codes are prefix-free (E.164), so at
 * most one of 1, 2 or 3 leading digits is one.
 */
export function callingCodeOf(canonical: string): string | undefined {
  const digits = phoneDigits(canonical);
  for (let length = 1; length <= 3; length++) {
    const head = digits.slice(0, length);
    if (assigned().has(head)) return head;
  }
  return undefined;
}

/** Whether `code` is an assigned country calling code. */
export const isCallingCode = (code: string): boolean => assigned().has(code);
