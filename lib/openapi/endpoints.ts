// Which schema documents which route, and what the SPEC says each operation does.
import { routes } from '../../infra/routes.cjs';
import {
  jwksSchema,
  loginSchema,
  logoutSchema,
  refreshSchema,
  registerSchema,
  sendCodeSchema,
  validateCodeSchema,
  type EndpointSchema,
} from '../schemas';

export type RouteName = keyof typeof routes;

export interface EndpointDoc {
  schema: EndpointSchema;
  /** The answer is `data` itself, not the envelope (as the handler's `bare` option says). */
  bare?: boolean;
  tag: string;
  summary: string;
  description: string;
}

export const ENDPOINTS: Readonly<Record<RouteName, EndpointDoc>> = {
  sendCode: {
    schema: sendCodeSchema,
    tag: 'Verification',
    summary: 'Send a verification code',
    description:
      'Sends a 6-digit code by SMS, valid 5 minutes and stored only as a hash. Limited by a resend cooldown per phone and by caps per phone and per source IP per hour (429).',
  },
  validateCode: {
    schema: validateCodeSchema,
    tag: 'Verification',
    summary: 'Validate a code',
    description:
      'Exchanges the code for a captcha token, bound to the phone and `codeType` of the request, single-use and valid 10 minutes. A wrong code answers 400 with `failCount`; after 5 wrong attempts the request is dead (429) and a new code must be sent.',
  },
  register: {
    schema: registerSchema,
    tag: 'Registration',
    summary: 'Register a new user',
    description:
      'Registers the phone with a captcha token of `codeType` "1" for it, and opens a session. All or nothing: the phone is claimed, the token spent, the user stored and the session opened together. The identical request retried with the same token, within its lifetime, answers the same `userId` with a fresh session.',
  },
  login: {
    schema: loginSchema,
    tag: 'Sessions',
    summary: 'Log in',
    description:
      'With the password (`authType` "1") or with a captcha token of `codeType` "2" (`authType` "2"). A wrong phone and a wrong password give the same answer.',
  },
  refreshToken: {
    schema: refreshSchema,
    tag: 'Sessions',
    summary: 'Refresh the session',
    description:
      'Takes the access token in `Authorization` (an expired but genuine one of the same user is accepted) and the refresh token. Answers a new session: the old refresh token stops working, and presenting it again later ends the whole session (reuse detection).',
  },
  logout: {
    schema: logoutSchema,
    tag: 'Sessions',
    summary: 'Log out',
    description: 'Ends the session: its refresh token stops working and its access tokens are refused until they expire.',
  },
  jwks: {
    schema: jwksSchema,
    bare: true,
    tag: 'Keys',
    summary: 'Public keys (JWKS)',
    description: 'The public keys that verify access tokens offline, as a plain JWK Set for any JOSE library. Cacheable.',
  },
};
