// The optional human check before a code is sent (docs/SECURITY.md, "Human check"): the client
// solves the provider's challenge in its UI and sends the token it got as `X-Challenge-Token`; the
// service asks the provider, server-side, whether that token is a fresh one for a human.

/** What the provider said of a token. */
export type Verdict = 'passed' | 'refused';

export interface HumanCheck {
  /** The provider checked, or `off`: no token is asked for. */
  readonly provider: 'off' | 'turnstile' | 'recaptcha';
  /**
   * Asks the provider about `token`, sent from `remoteIp`. Throws HumanCheckUnavailable when the
   * provider cannot say (down, slow, or refusing this service's own secret).
   */
  verify(token: string, remoteIp: string | undefined): Promise<Verdict>;
}

/** The provider gave no verdict: the send fails closed (503), nothing is spent. */
export class HumanCheckUnavailable extends Error {
  override name = 'HumanCheckUnavailable';
}

/** SEND_CODE_CHALLENGE=off: nothing to check. */
export const NO_HUMAN_CHECK: HumanCheck = {
  provider: 'off',
  verify: () => Promise.reject(new Error('the human check is off')),
};
