// What a failed call throws. Two kinds, so that an app can tell "the service said no" (a docs/API.md §5
// error: branch on its code) from "no usable answer came back" (offline, a proxy's HTML page).
//
// The codes come from the server's own catalogue (lib/errors.ts), imported as a value: that module
// imports nothing, so the catalogue is all an app's bundle gets from it.
import { ERRORS, type ErrorKind } from '../lib/errors';
import type { RouteName } from './routes';

export type { ErrorKind };

/** docs/API.md §5 codes by name, e.g. `ErrorCode.phoneTaken === 13001001`. */
export const ErrorCode = Object.freeze(Object.fromEntries(Object.entries(ERRORS).map(([kind, entry]) => [kind, entry.code]))) as {
  readonly [K in ErrorKind]: (typeof ERRORS)[K]['code'];
};

const KIND_BY_CODE: ReadonlyMap<number, ErrorKind> = new Map(
  Object.entries(ERRORS).map(([kind, entry]) => [entry.code, kind as ErrorKind]),
);

export interface KooDriveErrorInit {
  endpoint: RouteName;
  status: number;
  code: number;
  msg: string;
  data: Readonly<Record<string, unknown>> | undefined;
  retryAfter: number | undefined;
  traceId: string | undefined;
}

/** The service answered with a error envelope (a non-zero `code`). `message` is its `msg`. */
export class KooDriveError extends Error {
  override name = 'KooDriveError';
  /** The endpoint that answered, by its route name (`register`, `login`, …). */
  readonly endpoint: RouteName;
  /** HTTP status. */
  readonly status: number;
  /** The API error code, e.g. 13001005; compare with `ErrorCode`. */
  readonly code: number;
  /** The catalogue name of `code` ('wrongCode', 'phoneTaken', …); undefined for a code newer than this client. */
  readonly kind: ErrorKind | undefined;
  /** The envelope's `data`; only a wrong code has one (`{verified: false, failCount}`). */
  readonly data: Readonly<Record<string, unknown>> | undefined;
  /** Seconds to wait before trying again (`Retry-After`, sent with 429 and 503). */
  readonly retryAfter: number | undefined;
  /** The request's `X-Traceid`: quote it when reporting a problem. */
  readonly traceId: string | undefined;

  constructor(init: KooDriveErrorInit) {
    super(init.msg);
    this.endpoint = init.endpoint;
    this.status = init.status;
    this.code = init.code;
    this.kind = KIND_BY_CODE.get(init.code);
    this.data = init.data;
    this.retryAfter = init.retryAfter;
    this.traceId = init.traceId;
  }

  /** Wrong guesses so far of a wrong-code answer (docs/API.md §2.2 sends it as a string). */
  get failCount(): number | undefined {
    const raw = this.data?.['failCount'];
    return typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
  }
}

/**
 * No API answer: the request never got one (`network`: offline, DNS, connection reset), or what
 * came back was not the service's JSON envelope (`invalid-response`: a gateway's or proxy's page).
 * Unlike a KooDriveError, nothing says whether the request took effect.
 */
export class KooDriveTransportError extends Error {
  override name = 'KooDriveTransportError';
  readonly endpoint: RouteName;
  readonly reason: 'network' | 'invalid-response';
  /** HTTP status of an invalid response; undefined when there was no response. */
  readonly status: number | undefined;
  readonly traceId: string | undefined;

  constructor(init: { endpoint: RouteName; reason: 'network' | 'invalid-response'; status?: number; traceId?: string; cause?: unknown }) {
    const what = init.reason === 'network' ? 'no answer' : `an answer that is not the API's (HTTP ${init.status})`;
    super(`${init.endpoint}: ${what}`, { cause: init.cause });
    this.endpoint = init.endpoint;
    this.reason = init.reason;
    this.status = init.status;
    this.traceId = init.traceId;
  }
}
