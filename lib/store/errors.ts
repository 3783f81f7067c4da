// Which storage failures are worth a retry by the client (503) rather than a 500.
// DynamoDB saying "slow down": counted as throttles too (lib/observability/metrics.ts).
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
    $retryable !== undefined
  );
}

/** DynamoDB throttled the request (after the SDK's own retries). */
export function isStorageThrottling(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && THROTTLING_NAMES.has(name);
}
