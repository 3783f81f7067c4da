// `npm run -s signing-key -- <command>`: the keys' life cycle for a deployed stage, as text on
// stdout to pipe into the AWS CLI, so a private key never lands in a file (README, "Deploy").
//   new                        a new private signing JWK (ES256, kid = its thumbprint)
//   prepare < current value    the current keys and a new private key after them: published, not signing yet
//   rotate  < current value    the prepared key (or a new one) signs; the current keys stay published, public parts only
//   retire  < current value    only the key that signs now: the published old keys are dropped
//   public  < current value    the public keys of a signing key value: the public-keys parameter
//   code-key                   a new SMS-code HMAC key (an octet JWK), a secret of its own
//   parameter [signing-key | public-keys | code-key] --stage <name>
//                              the SSM parameter name the stage's functions read (signing-key by default)
import { readFileSync } from 'node:fs';
import { generateCodeJwk } from '../lib/tokens/code-key';
import {
  generateSigningJwk,
  preparedJwk,
  publicPart,
  publishedKeys,
  signingJwk,
  storedKeys,
  type StoredKeys,
} from '../lib/tokens/signing-key';
import { keyParameters } from '../infra/stages.cjs';
import { serviceName } from './lib/local-env';

/**
 * A rotation's first step: a new private key after the current ones. The current key still signs
 * (it comes first); the new one is published, so once every container has read the set, verifiers
 * know the key before anything is signed with it.
 */
export async function prepare(current: StoredKeys): Promise<StoredKeys> {
  signingJwk(current); // refuse a value that could not sign
  if (preparedJwk(current)) throw new Error('a key is prepared already: rotate to it');
  return { keys: [...storedKeys(current), await generateSigningJwk()] };
}

/**
 * A rotation's second step: the prepared key signs (a new one when none was prepared), every
 * current key stays published (public part only).
 */
export async function rotate(current: StoredKeys): Promise<StoredKeys> {
  const signing = signingJwk(current); // refuse to rotate away from a value that could not sign
  const next = preparedJwk(current) ?? (await generateSigningJwk());
  const others = storedKeys(current).filter((k) => k !== next);
  const published = await Promise.all([signing, ...others.filter((k) => k !== signing)].map(publicPart));
  return { keys: [next, ...published] };
}

/** A rotation's last step: only the key that signs now remains. */
export const retire = (current: StoredKeys): StoredKeys => signingJwk(current);

/** The public-keys parameter's value for a signing key value: a JWK Set, public parts only. */
export const publicKeySet = async (current: StoredKeys) => ({ keys: await publishedKeys(current) });

const PARAMETERS = { 'signing-key': 'signingKey', 'public-keys': 'publicKeys', 'code-key': 'codeKey' } as const;

const USAGE =
  'usage: signing-key new | prepare < current.json | rotate < current.json | retire < current.json | public < current.json | code-key | parameter [signing-key|public-keys|code-key] --stage <stage>';

function parameterName(args: string[]): string {
  const at = args.indexOf('--stage');
  const stage = at >= 0 ? args[at + 1] : undefined;
  const which = args.filter((_, i) => i !== at && i !== at + 1)[0] ?? 'signing-key';
  if (!stage || !(which in PARAMETERS)) throw new Error(USAGE);
  return keyParameters(serviceName(), stage)[PARAMETERS[which as keyof typeof PARAMETERS]];
}

async function main(args: string[]): Promise<string> {
  const [command, ...rest] = args;
  const current = () => JSON.parse(readFileSync(0, 'utf8')) as StoredKeys;
  switch (command) {
    case 'new':
      return JSON.stringify(await generateSigningJwk());
    case 'prepare':
      return JSON.stringify(await prepare(current()));
    case 'rotate':
      return JSON.stringify(await rotate(current()));
    case 'retire':
      return JSON.stringify(retire(current()));
    case 'public':
      return JSON.stringify(await publicKeySet(current()));
    case 'code-key':
      return JSON.stringify(generateCodeJwk());
    case 'parameter':
      return parameterName(rest);
    default:
      throw new Error(USAGE);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (output) => process.stdout.write(`${output}\n`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
