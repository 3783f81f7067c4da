// A local stand-in for the human-check providers' siteverify (Cloudflare Turnstile, Google
// reCAPTCHA), checking a request as they would: a POST, form-encoded, with this site's secret, a
// token the provider issued and never redeemed before (tokens are single-use), and the source
// address the token was issued to. Answers as they do (`success`, `error-codes`, and reCAPTCHA v3's
// `score`); can be told to fail or to answer late. Records every request it got.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SiteverifyRequest {
  contentType: string | undefined;
  secret: string | null;
  response: string | null;
  remoteip: string | null;
}

interface Issued {
  /** The address the widget ran at; the provider refuses the token from another. */
  remoteIp: string;
  /** reCAPTCHA v3's score, 0 (a bot) to 1 (a human). */
  score?: number;
}

export class SiteverifyStandIn {
  readonly requests: SiteverifyRequest[] = [];
  /** `down`: HTTP 500 as an outage; `slow`: answers after `delayMs`. */
  mode: 'up' | 'down' | 'slow' = 'up';
  delayMs = 2_000;
  private readonly issued = new Map<string, Issued>();
  private readonly redeemed = new Set<string>();
  private server: Server | undefined;
  private counter = 0;

  constructor(private readonly secret: string) {}

  /** A token as the provider's widget hands one to a person's browser at `remoteIp`. */
  issue(remoteIp: string, score?: number): string {
    const token = `stand-in-token-${++this.counter}-${Math.random().toString(36).slice(2)}`;
    this.issued.set(token, { remoteIp, ...(score === undefined ? {} : { score }) });
    return token;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          if (this.mode === 'slow') await sleep(this.delayMs);
          if (this.mode === 'down') {
            res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
            return;
          }
          const answer = this.answer(req.method, req.headers['content-type'], Buffer.concat(chunks).toString('utf8'));
          if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        })();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/siteverify`;
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(method: string | undefined, contentType: string | undefined, body: string): object {
    const refuse = (...codes: string[]) => ({ success: false, 'error-codes': codes });
    if (method !== 'POST' || !/^application\/x-www-form-urlencoded\b/.test(contentType ?? '')) return refuse('bad-request');
    const form = new URLSearchParams(body);
    const request = { contentType, secret: form.get('secret'), response: form.get('response'), remoteip: form.get('remoteip') };
    this.requests.push(request);
    if (!request.secret) return refuse('missing-input-secret');
    if (request.secret !== this.secret) return refuse('invalid-input-secret');
    if (!request.response) return refuse('missing-input-response');
    const issued = this.issued.get(request.response);
    if (!issued) return refuse('invalid-input-response');
    if (this.redeemed.has(request.response)) return refuse('timeout-or-duplicate');
    this.redeemed.add(request.response);
    if (request.remoteip !== issued.remoteIp) return refuse('invalid-input-response');
    return {
      success: true,
      challenge_ts: new Date().toISOString(),
      hostname: 'app.example',
      ...(issued.score === undefined ? {} : { score: issued.score }),
    };
  }
}
