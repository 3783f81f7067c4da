// `npm run -s signing-key -- <command>`: the signing key's life cycle for a deployed stage, as
// text on stdout to pipe into the AWS CLI, so a private key never lands in a file (README, "Deploy").
//   new                       a new private JWK (ES256, kid = its thumbprint)
//   rotate  < current value   a key set: a new private key first (it signs), the current keys public
//   retire  < current value   only the key that signs now: the published old keys are dropped
//   parameter --stage <name>  the SSM parameter name the stage's functions read
import { readFileSync } from 'node:fs';
import { generateSigningJwk, publicPart, signingJwk, storedKeys, type StoredKeys } from '../lib/tokens/signing-key';
import { signingKeyParameter } from '../infra/stages.cjs';
import { serviceName } from './lib/local-env';

/** A rotation's first step: a new key signs, every current key stays published (public part only). */
export async function rotate(current: StoredKeys): Promise<StoredKeys> {
  signingJwk(current); // refuse to rotate away from a value that could not sign
  const published = await Promise.all(storedKeys(current).map(publicPart));
  return { keys: [await generateSigningJwk(), ...published] };
}

/** A rotation's last step: only the key that signs now remains. */
export const retire = (current: StoredKeys): StoredKeys => signingJwk(current);

const USAGE = 'usage: signing-key new | rotate < current.json | retire < current.json | parameter --stage <stage>';

async function main(args: string[]): Promise<string> {
  const [command, ...rest] = args;
  const current = () => JSON.parse(readFileSync(0, 'utf8')) as StoredKeys;
  switch (command) {
    case 'new':
      return JSON.stringify(await generateSigningJwk());
    case 'rotate':
      return JSON.stringify(await rotate(current()));
    case 'retire':
      return JSON.stringify(retire(current()));
    case 'parameter': {
      const stage = rest[0] === '--stage' ? rest[1] : undefined;
      if (!stage) throw new Error(USAGE);
      return signingKeyParameter(serviceName(), stage);
    }
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
