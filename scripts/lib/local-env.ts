// The environment of the local stage exactly as serverless.yml gives it to the functions, so the
// local tools (start, tests) and the functions agree on tables, key file and endpoint.
import { readFileSync } from 'node:fs';
import environment from '../../infra/environment.cjs';
import { LOCAL_STAGE } from '../../infra/stages.cjs';

export { LOCAL_STAGE };

export function serviceName(): string {
  const match = /^service:\s*(\S+)/m.exec(readFileSync('serverless.yml', 'utf8'));
  if (!match?.[1]) throw new Error('serverless.yml names no service');
  return match[1];
}

/** The functions' environment for `stage` ("local" by default), resolved like serverless.yml does. */
export async function stageEnvironment(stage = LOCAL_STAGE, service = serviceName()): Promise<Record<string, string>> {
  const variables: Record<string, string> = { 'self:service': service, 'sls:stage': stage };
  return environment({ resolveVariable: (name: string) => Promise.resolve(String(variables[name])) });
}
