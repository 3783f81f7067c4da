// The values the endpoints' examples are written with: the reference example of the KooDrive
// carrier API (docs/API.md §1) and values in its style. Illustrations: the tests' replay takes ids,
// codes and tokens from a fresh flow where an example needs a live one.
export const PHONE = '0027188460901';
export const USER_ID = '1893595880502717057';
export const PASSWORD = '01ASDAa1';
// Abbreviated in the reference (`eyJ...`); a complete one keeps the example valid against the schema.
export const ACCESS_TOKEN =
  'AT eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9.eyJzdWIiOiIxODkzNTk1ODgwNTAyNzE3MDU3In0.MEUCIQDkZ2V4YW1wbGUtc2lnbmF0dXJlLW9ubHk';
export const REFRESH_TOKEN = 'a7ec09ec91fb295d72534a66d03eaf9ef87949ec66df73ca';
export const SESSION_INFO = { accessToken: ACCESS_TOKEN, expiresIn: 1800, issuedAt: '1772006219896', refreshToken: REFRESH_TOKEN };
export const REQUEST_ID = '9f3c2a7be41d08c56a1f7e2d3b904c8e';
export const CAPTCHA_TOKEN = '5f2b8c0e9d4a47c1b3e6f8a2d7c9e1b4a6f3d8c2e7b9a1f4c6d8e2b5a7c9f1d3';
export const UNKNOWN_CAPTCHA_TOKEN = '0000000000000000000000000000000000000000000000000000000000000000';
export const UNKNOWN_REFRESH_TOKEN = '000000000000000000000000000000000000000000000000';
export const NOT_A_TOKEN = 'AT not-a-token';
/** A password the examples change to: passes the policy, and is not `PASSWORD`. */
export const NEW_PASSWORD = 'N3w-Passw0rd';

export const USER_INFO = { userId: USER_ID, firstname: 'John', surname: 'Smith', phone: PHONE, email: '' };
/** Another user than the examples' access token's: what an authenticated endpoint refuses to act for. */
export const OTHER_USER_ID = '1893595880502717058';
export const OTHER_PHONE = '0027188460902';
export const REGISTRATION = {
  firstname: 'John',
  surname: 'Smith',
  phone: PHONE,
  email: '',
  captchaToken: CAPTCHA_TOKEN,
  password: PASSWORD,
};
export const USER_AUTH = { Authorization: ACCESS_TOKEN };
