// The request limits and header names every endpoint holds, apart from the field rules of
// fields.ts: the Middy chain and the JWKS need only these, and a function without fields (the
// JWKS) then loads none of the field schemas, the phone table and password rules behind them.
import * as z from 'zod/mini';

export const MAX_BODY_BYTES = 16 * 1024;
export const BODY_LIMIT = `${MAX_BODY_BYTES / 1024} KiB`;
export const TRACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Request headers as the API spells them; the schemas hold them lower-cased, as middy hands them over. */
export const HEADER_SPELLING: Readonly<Record<string, string>> = {
  'x-hw-agentname': 'x-hw-agentName',
  authorization: 'Authorization',
  'x-challenge-token': 'X-Challenge-Token',
};

/** The headers of an endpoint that reads none. */
export const noHeaders = z.object({});
