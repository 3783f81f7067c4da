// The deployed path of the keys: each function reads its SSM parameters at init with a SigV4-signed
// GetParameter (lib/tokens/ssm-get-parameter.ts), checked by a stand-in that verifies what SSM would
// (tests/tools/ssm-stand-in.ts). Each function asks for exactly the parameters its role grants.
import { functionsFor } from '../infra/functions.cjs';
import { grants } from '../infra/roles.cjs';
import { keyParameters } from '../infra/stages.cjs';
import { generateCodeJwk } from '../lib/tokens/code-key';
import { generateSigningJwk } from '../lib/tokens/signing-key';
import { getParameter } from '../lib/tokens/ssm-get-parameter';
import { publicKeySet } from '../scripts/signing-key';
import { SsmStandIn, type Caller } from './tools/ssm-stand-in';

const REGION = 'eu-west-1';
const names = keyParameters('koodrive-signup', 'prod');
const functions = Object.keys(functionsFor('prod'));
const keyOf = (fn: string) => `AKIA${fn.toUpperCase()}`;
const callerFor = (fn: string): Caller => ({
  secretAccessKey: `secret-of-${fn}`,
  sessionToken: `token-of-${fn}`,
  allowed: grants[fn]!.parameters.map((p) => names[p]),
});

let ssm: SsmStandIn;
let endpoint: string;
const saved = { ...process.env };

beforeAll(async () => {
  const signing = await generateSigningJwk();
  ssm = new SsmStandIn(
    REGION,
    {
      [names.signingKey]: { type: 'SecureString', value: JSON.stringify(signing) },
      [names.publicKeys]: { type: 'String', value: JSON.stringify(await publicKeySet(signing)) },
      [names.codeKey]: { type: 'SecureString', value: JSON.stringify(generateCodeJwk()) },
      [names.challengeSecret]: { type: 'SecureString', value: 'the-provider-s-secret' },
    },
    Object.fromEntries(
      [...functions, 'tester'].map((fn) => [
        keyOf(fn),
        fn === 'tester' ? { ...callerFor('sendCode'), allowed: Object.values(names) } : callerFor(fn),
      ]),
    ),
  );
  endpoint = await ssm.start();
});
afterAll(async () => {
  process.env = saved;
  await ssm.stop();
});

/** The environment of a function deployed in REGION, its credentials, SSM at the stand-in. */
function deployedEnv(fn: string) {
  const caller = ssm.callers[keyOf(fn)]!;
  const env: NodeJS.ProcessEnv = {
    ...saved,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_SSM: endpoint,
    AWS_ACCESS_KEY_ID: keyOf(fn),
    AWS_SECRET_ACCESS_KEY: caller.secretAccessKey,
    AWS_SESSION_TOKEN: caller.sessionToken,
    SIGNING_KEY_PARAMETER: names.signingKey,
    PUBLIC_KEYS_PARAMETER: names.publicKeys,
    CODE_KEY_PARAMETER: names.codeKey,
    // With the human check on, the function that sends codes reads its secret too.
    SEND_CODE_CHALLENGE: 'turnstile',
    CHALLENGE_SECRET_PARAMETER: names.challengeSecret,
  };
  delete env['SIGNING_KEY_FILE'];
  delete env['CODE_KEY_FILE'];
  delete env['CHALLENGE_SECRET_FILE'];
  return env;
}

describe('a signed GetParameter', () => {
  beforeEach(() => {
    process.env = deployedEnv('tester');
  });

  it('reads a SecureString decrypted, and a String', async () => {
    expect(JSON.parse(await getParameter(names.codeKey, REGION))).toMatchObject({ kty: 'oct' });
    expect(JSON.parse(await getParameter(names.publicKeys, REGION))).toHaveProperty('keys');
  });

  it('is refused as SSM would refuse it: another secret, another region, another token, a name it may not read', async () => {
    process.env['AWS_SECRET_ACCESS_KEY'] = 'not-the-secret';
    await expect(getParameter(names.codeKey, REGION)).rejects.toThrow(/InvalidSignatureException/);
    process.env = deployedEnv('tester');
    await expect(getParameter(names.codeKey, 'us-east-1')).rejects.toThrow(/InvalidSignatureException/);
    process.env['AWS_SESSION_TOKEN'] = 'stale';
    await expect(getParameter(names.codeKey, REGION)).rejects.toThrow(/UnrecognizedClientException/);
    process.env = deployedEnv('jwks');
    await expect(getParameter(names.signingKey, REGION)).rejects.toThrow(/AccessDeniedException/);
    process.env = deployedEnv('tester');
    await expect(getParameter('/koodrive-signup/prod/nothing', REGION)).rejects.toThrow(/AccessDeniedException|ParameterNotFound/);
  });
});

describe('each function at init', () => {
  it.each(functions)('%s reads exactly the parameters its role grants', async (fn) => {
    ssm.requests.length = 0;
    process.env = deployedEnv(fn);
    const expected = [...callerFor(fn).allowed].sort();
    let loaded: Promise<unknown> | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(`../${functionsFor('prod')[fn]!.handler.replace(/\.handler$/, '')}`) as { handler: unknown };
      loaded = Promise.resolve(module.handler);
    });
    await loaded;
    // The container starts loading at import: wait for its reads, and a little longer for any other.
    const asked = () => ssm.requests.filter((r) => r.accessKeyId === keyOf(fn)).map((r) => r.name);
    for (let waited = 0; asked().length < expected.length && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect([...asked()].sort()).toEqual(expected);
  });

  it('serves with those keys alone: the JWKS publishes the public keys it read', async () => {
    process.env = deployedEnv('jwks');
    let jwks: (event: object) => Promise<{ statusCode?: number; body?: string }> = () => Promise.reject(new Error('not loaded'));
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jwks = (require('../functions/jwks') as { handler: typeof jwks }).handler;
    });
    const answer = await jwks({
      version: '2.0',
      routeKey: 'GET /.well-known/jwks.json',
      rawPath: '/.well-known/jwks.json',
      headers: {},
      requestContext: { http: { method: 'GET', path: '/.well-known/jwks.json' } },
    });
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(String(answer.body)).keys[0]).toMatchObject({ kty: 'EC', use: 'sig' });
  });
});
