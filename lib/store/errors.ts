// Which storage failures are worth a retry by the client (503) rather than a 500.
// DynamoDB saying "slow down": counted as throttles too (lib/observability/metrics.ts).
import type { CancellationReason } from '@aws-sdk/client-dynamodb';

const THROTTLING_NAMES = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
const TRANSIENT_NAMES = new Set([
  ...THROTTLING_NAMES,
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'TransactionConflictException',
  'TransactionInProgressException',
]);
const TRANSIENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

// A cancelled transaction says why item by item, with its own codes, and arrives as a client
// fault that the SDK does not retry. transact() (dynamo/shared.ts) hands failed conditions to the
// domain and retries conflicts; what it throws is transient when every item that failed was
// throttled or still in conflict once those retries ran out. Any other reason (a validation
// error, a condition) would fail the same way again: a 500.
const THROTTLING_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded']);
export const CONFLICT_REASON = 'TransactionConflict';
const TRANSIENT_REASONS = new Set([...THROTTLING_REASONS, CONFLICT_REASON]);

/** The reasons of a cancelled transaction other than `None`; undefined for any other error. */
function cancellationCodes(error: object): Array<string | undefined> | undefined {
  const { name, CancellationReasons: reasons } = error as { name?: unknown; CancellationReasons?: CancellationReason[] };
  if (name !== 'TransactionCanceledException' || !Array.isArray(reasons)) return undefined;
  return reasons.map((reason) => reason.Code).filter((code) => code !== 'None');
}

/** A cancelled transaction whose failed items were all throttled or in conflict, `throttled` if any was throttled. */
function transientCancellation(error: object): { throttled: boolean } | undefined {
  const codes = cancellationCodes(error);
  if (!codes?.length || !codes.every((code) => code !== undefined && TRANSIENT_REASONS.has(code))) return undefined;
  return { throttled: codes.some((code) => code !== undefined && THROTTLING_REASONS.has(code)) };
}

export function isTransientStorageError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $retryable, $metadata, $fault } = error as {
    name?: string;
    code?: string;
    $retryable?: unknown;
    $metadata?: unknown;
    $fault?: 'client' | 'server';
  };
  // An SDK error without a fault never got an answer from the service (connection refused,
  // reset, timed out, after the SDK's own retries); a server fault is the service's trouble.
  const sdkTransport = $metadata !== undefined && ($fault === undefined || $fault === 'server');
  return (
    sdkTransport ||
    (name !== undefined && TRANSIENT_NAMES.has(name)) ||
    (code !== undefined && TRANSIENT_NETWORK_CODES.has(code)) ||
    $retryable !== undefined ||
    transientCancellation(error) !== undefined
  );
}

/** DynamoDB throttled the request, or an item of the transaction (after the SDK's own retries). */
export function isStorageThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name } = error as { name?: unknown };
  return (typeof name === 'string' && THROTTLING_NAMES.has(name)) || transientCancellation(error)?.throttled === true;
}
