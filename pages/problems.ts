// What a failed call means to a person: a sentence from the catalogue (pages/i18n.ts), never the
// API's code or message, and the field of the form it concerns, if any.
import { KooDriveError, KooDriveTransportError, type ErrorKind } from '../client';
import type { TextArgs, TextKey } from './i18n';

export interface Problem {
  /** The form field it concerns (the form's own name for it); absent: the form as a whole. */
  field?: string;
  key: TextKey;
  args?: TextArgs;
  /** Seconds before trying again makes sense (`Retry-After`). */
  retryAfter?: number;
}

/** Which field of this form an error kind or an API field concerns, by the form's own field names. */
export type FieldsOf = Partial<Record<ErrorKind | `parameter:${string}`, string>>;

// The password policy's sentences (docs/API.md §1), as the service words them, to the catalogue's.
const POLICY: Readonly<Record<string, TextKey>> = {
  'Password must be 8 to 64 characters long.': 'error.passwordLength',
  'Password must be at most 72 bytes in UTF-8.': 'error.passwordBytes',
  'Password must use at least 4 different characters.': 'error.passwordVariety',
  'Password is too common.': 'error.passwordCommon',
  'Password must not contain the phone number.': 'error.passwordPhone',
};

// A parameter error names the API's field (docs/API.md §0): what to say about each.
const PARAMETER_TEXTS: Readonly<Record<string, TextKey>> = {
  phone: 'error.phone',
  account: 'error.phone',
  newPhone: 'error.phone',
  code: 'error.code',
  firstname: 'error.firstname',
  surname: 'error.surname',
  email: 'error.email',
  password: 'error.passwordEmpty',
  oldPassword: 'error.passwordEmpty',
  newPassword: 'error.passwordLength',
  newPwd: 'error.passwordLength',
};

const KIND_TEXTS: Readonly<Partial<Record<ErrorKind, TextKey>>> = {
  phoneTaken: 'error.phoneTaken',
  tokenInvalid: 'error.tokenInvalid',
  tokenExpired: 'error.tokenExpired',
  wrongCode: 'error.wrongCode',
  badCredentials: 'error.badCredentials',
  invalidRefreshToken: 'error.signedOut',
  invalidAccessToken: 'error.signedOut',
  accessDenied: 'error.accessDenied',
  destinationNotAllowed: 'error.destinationNotAllowed',
  humanCheckFailed: 'error.humanCheckFailed',
  serviceBusy: 'error.serviceBusy',
};

export function problemOf(error: unknown, fields: FieldsOf = {}): Problem {
  if (error instanceof KooDriveTransportError) return { key: 'error.network' };
  if (!(error instanceof KooDriveError) || error.kind === undefined) return { key: 'error.internal' };
  const { kind, retryAfter } = error;
  if (kind === 'parameter') {
    // `Verify parameters failed. <field>: <problem>`
    const apiField = /^Verify parameters failed\. ([\w.-]+):/.exec(error.message)?.[1] ?? '';
    const field = fields[`parameter:${apiField}`];
    return { ...(field === undefined ? {} : { field }), key: PARAMETER_TEXTS[apiField] ?? 'error.field' };
  }
  const field = fields[kind];
  const at = field === undefined ? {} : { field };
  if (kind === 'weakPassword') return { ...at, key: POLICY[error.message] ?? 'error.passwordWeak' };
  if (kind === 'tooManyAttempts') {
    return retryAfter === undefined
      ? { ...at, key: 'error.tooManyAttempts' }
      : { ...at, key: 'error.tooManyAttemptsIn', args: { seconds: retryAfter }, retryAfter };
  }
  if (kind === 'serviceBusy') return { ...at, key: 'error.serviceBusy', ...(retryAfter === undefined ? {} : { retryAfter }) };
  return { ...at, key: KIND_TEXTS[kind] ?? 'error.internal' };
}
