// Which storage failures are worth a retry by the client (503) rather than a 500.
const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
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
