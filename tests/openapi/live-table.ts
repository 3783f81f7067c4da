// The replay's table: for each example of the API document (lib/api/<endpoint>.ts), the values
// its request must take from a fresh flow instead of the illustration it shows, by where they go
// (`/body/<field>`, `/query/<name>` or `/headers/<name>`). Test plumbing, kept here: the public document has none.
import type { RouteName } from '../../lib/api/index';

/** Values a replay makes for a case, fresh for each case (made by tests/live-values.ts `LIVE`). */
export const LIVE_VALUES = {
  phone: 'a phone number nobody registered',
  requestId: 'the id of a registration code just sent to `phone`',
  code: 'the SMS code of `requestId`',
  wrongCode: 'a 6-digit code other than `code`',
  spentRequestId: 'the id of a code request whose wrong attempts are used up',
  captchaToken: 'a registration captcha token (codeType 1) for `phone`',
  exhaustedPhone: 'a phone number that got as many codes as it may this hour',
  userPhone: 'the phone of a user just registered with the password 01ASDAa1',
  userId: "that user's id",
  accessToken: "that user's access token (`AT <JWS>`)",
  refreshToken: "that user's refresh token",
  userCaptchaToken: 'a registration captcha token (codeType 1) for `userPhone`',
  loginCaptchaToken: 'a login captcha token (codeType 2) for `userPhone`',
  lockedPhone: 'the phone of a user whose password attempts are used up',
  lockedUserId: "that user's id",
  lockedAccessToken: "that user's access token",
  phoneChangeToken: 'a phone-change captcha token (codeType 4) for `phone`',
  takenPhone: 'a phone that got a phone-change captcha token, then was registered by another user',
  takenPhoneToken: 'that phone-change captcha token (codeType 4) for `takenPhone`',
  resetCaptchaToken: 'a password-reset captcha token (codeType 3) for `userPhone`',
  deletedPhone: 'the phone of a user deleted after a password-reset code was sent to it',
  deletedResetToken: 'a password-reset captcha token for `deletedPhone`, from that code',
  deletedUserId: "that deleted user's id",
  deletedAccessToken: "that deleted user's access token, from before the deletion",
  oversized: 'a string that makes the body larger than the body limit',
} as const;

export type LiveValue = keyof typeof LIVE_VALUES;

/** Where a live value goes in the request: a body field, a query parameter or a header. */
export type LivePointer = `/body/${string}` | `/query/${string}` | `/headers/${string}`;

export type LiveTable = Readonly<Partial<Record<LivePointer, LiveValue>>>;

const ACCESS = { '/headers/Authorization': 'accessToken' } as const;
// Every body endpoint's oversized example pads its first example's body; the rest stays as shown.
const OVERSIZED = { '/body/padding': 'oversized' } as const;

/** By operation, then by example name; an example not listed is sent as the document shows it. */
export const LIVE_TABLE: Readonly<Record<RouteName, Readonly<Record<string, LiveTable>>>> = {
  sendCode: {
    sendCode: { '/body/phone': 'phone' },
    sendCapReached: { '/body/phone': 'exhaustedPhone' },
    bodyTooLarge: OVERSIZED,
  },
  validateCode: {
    validateCode: { '/body/requestId': 'requestId', '/body/code': 'code' },
    wrongCode: { '/body/requestId': 'requestId', '/body/code': 'wrongCode' },
    attemptsUsedUp: { '/body/requestId': 'spentRequestId' },
    bodyTooLarge: OVERSIZED,
  },
  register: {
    register: { '/body/phone': 'phone', '/body/captchaToken': 'captchaToken' },
    phoneTaken: { '/body/phone': 'userPhone', '/body/captchaToken': 'userCaptchaToken' },
    unknownToken: { '/body/phone': 'phone' },
    commonPassword: { '/body/phone': 'phone', '/body/captchaToken': 'captchaToken' },
    bodyTooLarge: OVERSIZED,
  },
  login: {
    passwordLogin: { '/body/account': 'userPhone' },
    codeLogin: { '/body/account': 'userPhone', '/body/captchaToken': 'loginCaptchaToken' },
    wrongPassword: { '/body/account': 'userPhone' },
    unknownToken: { '/body/account': 'userPhone' },
    passwordAttemptsUsedUp: { '/body/account': 'lockedPhone' },
    bodyTooLarge: OVERSIZED,
  },
  refreshToken: {
    refreshToken: { ...ACCESS, '/body/refreshToken': 'refreshToken' },
    unknownRefreshToken: ACCESS,
    bodyTooLarge: OVERSIZED,
  },
  logout: {
    logout: { ...ACCESS, '/body/userId': 'userId', '/body/accessToken': 'accessToken' },
    logoutEverywhere: { ...ACCESS, '/body/userId': 'userId', '/body/accessToken': 'accessToken' },
    bodyTooLarge: OVERSIZED,
  },
  userInfo: {
    userInfo: { ...ACCESS, '/query/userId': 'userId' },
    byPhone: { ...ACCESS, '/query/phone': 'userPhone' },
    caller: ACCESS,
    anotherUser: ACCESS,
    anotherPhone: ACCESS,
  },
  updateUserInfo: {
    updateUserInfo: { ...ACCESS, '/body/userId': 'userId' },
    phoneIgnored: { ...ACCESS, '/body/userId': 'userId' },
    anotherUser: ACCESS,
    bodyTooLarge: OVERSIZED,
  },
  passwordModify: {
    changePassword: { ...ACCESS, '/body/userId': 'userId' },
    wrongOldPassword: { ...ACCESS, '/body/userId': 'userId' },
    sameAsOld: { ...ACCESS, '/body/userId': 'userId' },
    commonNewPassword: { ...ACCESS, '/body/userId': 'userId' },
    passwordAttemptsUsedUp: { '/headers/Authorization': 'lockedAccessToken', '/body/userId': 'lockedUserId' },
    anotherUser: ACCESS,
    bodyTooLarge: OVERSIZED,
  },
  phoneModify: {
    changePhone: { ...ACCESS, '/body/userId': 'userId', '/body/newPhone': 'phone', '/body/captchaToken': 'phoneChangeToken' },
    newPhoneTaken: { ...ACCESS, '/body/userId': 'userId', '/body/newPhone': 'takenPhone', '/body/captchaToken': 'takenPhoneToken' },
    wrongPassword: { ...ACCESS, '/body/userId': 'userId' },
    unknownToken: { ...ACCESS, '/body/userId': 'userId' },
    anotherUser: ACCESS,
    bodyTooLarge: OVERSIZED,
  },
  passwordReset: {
    passwordReset: { '/body/phoneNumber': 'userPhone', '/body/captchaToken': 'resetCaptchaToken' },
    commonPassword: { '/body/phoneNumber': 'userPhone', '/body/captchaToken': 'resetCaptchaToken' },
    noAccount: { '/body/phoneNumber': 'deletedPhone', '/body/captchaToken': 'deletedResetToken' },
    bodyTooLarge: OVERSIZED,
  },
  userDelete: {
    userDelete: { ...ACCESS, '/query/userId': 'userId' },
    deletedAlready: { '/headers/Authorization': 'deletedAccessToken', '/query/userId': 'deletedUserId' },
    anotherUser: ACCESS,
    noUserId: ACCESS,
  },
  jwks: {},
};
