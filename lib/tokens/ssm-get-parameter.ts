// SSM GetParameter as one SigV4-signed HTTPS request (lib/aws/signed-request.ts). It replaces
// @aws-sdk/client-ssm, whose 76 KiB every function loaded to make this one call per container
// (docs/adr/0013).
import { signedPost } from '../aws/signed-request';

const TARGET = 'AmazonSSM.GetParameter';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TIMEOUT_MS = 3_000;

export class ParameterError extends Error {
  override name = 'ParameterError';
}

/** The value of an SSM parameter, decrypted when it is a SecureString. */
export async function getParameter(name: string, region: string): Promise<string> {
  const { status, text } = await signedPost({
    service: 'ssm',
    region,
    headers: { 'content-type': CONTENT_TYPE, 'x-amz-target': TARGET },
    body: JSON.stringify({ Name: name, WithDecryption: true }),
    timeoutMs: TIMEOUT_MS,
  });
  if (status !== 200) {
    // AWS's JSON error: { __type: 'ParameterNotFound' | 'AccessDeniedException' | ..., message }.
    const type = (JSON.parse(text || '{}') as { __type?: unknown }).__type;
    const kind = typeof type === 'string' ? type.split('#').pop() : `HTTP ${status}`;
    throw new ParameterError(`GetParameter ${name}: ${kind}`);
  }
  const value = (JSON.parse(text) as { Parameter?: { Value?: unknown } }).Parameter?.Value;
  if (typeof value !== 'string' || value === '') throw new ParameterError(`parameter ${name} is empty`);
  return value;
}
