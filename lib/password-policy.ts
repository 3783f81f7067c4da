// Password policy of docs/API.md §1. Each rule returns the sentence that tells the client what to fix.
import { phoneDigits } from './phone';
import commonPasswordList from '@zxcvbn-ts/language-common/src/passwords.json';

export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 64;
// bcrypt reads at most 72 bytes: a longer password must be refused, not silently cut.
export const PASSWORD_MAX_BYTES = 72;
// A run this long from the phone number counts as "containing the phone's digits".
const PHONE_DIGIT_RUN = 6;
const MIN_DISTINCT_CHARS = 4;

let commonPasswords: ReadonlySet<string> | undefined;

/** The zxcvbn-ts list of common passwords, lower-cased; built on first use, kept per container. */
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(commonPasswordList.filter((p) => p.length >= PASSWORD_MIN_CHARS));
  return commonPasswords.has(password.toLowerCase());
}

function containsPhoneDigits(password: string, canonicalPhone: string): boolean {
  const digits = phoneDigits(canonicalPhone);
  for (let i = 0; i + PHONE_DIGIT_RUN <= digits.length; i++) {
    if (password.includes(digits.slice(i, i + PHONE_DIGIT_RUN))) return true;
  }
  return false;
}

/** Undefined when the password is acceptable, otherwise the rule it breaks. */
export function passwordProblem(password: string, canonicalPhone: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- "characters" are code points here: a surrogate pair is one
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_CHARS || chars.length > PASSWORD_MAX_CHARS) {
    return `Password must be ${PASSWORD_MIN_CHARS} to ${PASSWORD_MAX_CHARS} characters long.`;
  }
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    return `Password must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8.`;
  }
  if (new Set(chars).size < MIN_DISTINCT_CHARS) {
    return `Password must use at least ${MIN_DISTINCT_CHARS} different characters.`;
  }
  if (isCommon(password)) {
    return 'Password is too common.';
  }
  if (containsPhoneDigits(password, canonicalPhone)) {
    return 'Password must not contain the phone number.';
  }
  return undefined;
}
