// The providers' server-side check: Cloudflare Turnstile and Google reCAPTCHA answer the same
// request, an HTTP POST of `secret`, `response` (the client's token) and `remoteip` as a form, with
// JSON `{ success, "error-codes", … }`:
//   https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
//   https://developers.google.com/recaptcha/docs/verify
// Global fetch (Node's own): no package, nothing added to the bundle.
import { HumanCheckUnavailable, type HumanCheck, type Verdict } from './human-check';

export const SITEVERIFY_URLS = {
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  recaptcha: 'https://www.google.com/recaptcha/api/siteverify',
} as const;

export type Provider = keyof typeof SITEVERIFY_URLS;

// reCAPTCHA v3 scores a request from 0 (a bot) to 1 (a human); Google's suggested cut-off.
const RECAPTCHA_MIN_SCORE = 0.5;

// Errors that are this service's (its secret refused, its request malformed) or the provider's own:
// no verdict on the client's token, so no 400 for the client.
const NOT_THE_TOKENS_FAULT = new Set(['missing-input-secret', 'invalid-input-secret', 'bad-request', 'internal-error']);

interface Answer {
  success?: unknown;
  'error-codes'?: unknown;
  score?: unknown;
}

export interface SiteverifyOptions {
  provider: Provider;
  secret: string;
  timeoutMs: number;
  /** Instead of the provider's: a local stand-in (lib/config.ts refuses it in AWS). */
  url?: string | undefined;
  fetch?: typeof fetch;
}

export function siteverifyCheck(options: SiteverifyOptions): HumanCheck {
  const url = options.url ?? SITEVERIFY_URLS[options.provider];
  const send = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return {
    provider: options.provider,
    async verify(token: string, remoteIp: string | undefined): Promise<Verdict> {
      const form = new URLSearchParams({ secret: options.secret, response: token });
      if (remoteIp) form.set('remoteip', remoteIp);
      let answer: Answer;
      try {
        const response = await send(url, { method: 'POST', body: form, signal: AbortSignal.timeout(options.timeoutMs) });
        if (!response.ok) throw new HumanCheckUnavailable(`${options.provider} siteverify answered HTTP ${response.status}`);
        answer = (await response.json()) as Answer;
      } catch (error) {
        if (error instanceof HumanCheckUnavailable) throw error;
        const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : 'unreachable';
        throw new HumanCheckUnavailable(`${options.provider} siteverify ${why}`);
      }
      if (answer.success === true) {
        const low = options.provider === 'recaptcha' && typeof answer.score === 'number' && answer.score < RECAPTCHA_MIN_SCORE;
        return low ? 'refused' : 'passed';
      }
      const codes = Array.isArray(answer['error-codes']) ? answer['error-codes'].map(String) : [];
      const unjudged = codes.filter((code) => NOT_THE_TOKENS_FAULT.has(code));
      if (unjudged.length > 0) throw new HumanCheckUnavailable(`${options.provider} siteverify: ${unjudged.join(', ')}`);
      return 'refused';
    },
  };
}
