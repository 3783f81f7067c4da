// The human check the configuration asks for (SEND_CODE_CHALLENGE), with the provider's secret read
// once per container: an SSM SecureString when deployed, like the keys, a file locally. Only the
// function that sends codes imports this.
import { readFile } from 'node:fs/promises';
import type { Config } from '../config';
import { readParameter } from '../tokens/key-store';
import { NO_HUMAN_CHECK, type HumanCheck } from './human-check';
import { siteverifyCheck } from './siteverify';

async function readSecret(config: Pick<Config, 'challenge' | 'region'>): Promise<string> {
  const { secretParameter, secretFile } = config.challenge;
  if (!secretParameter && !secretFile)
    throw new Error('SEND_CODE_CHALLENGE is on: set CHALLENGE_SECRET_PARAMETER (deployed) or CHALLENGE_SECRET_FILE');
  const text = secretParameter
    ? await readParameter(secretParameter, config.region)
    : await readFile(String(secretFile), 'utf8').catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        throw new Error(`SEND_CODE_CHALLENGE is on: write the provider's secret to ${secretFile} (CHALLENGE_SECRET_FILE)`);
      });
  const secret = text.trim();
  if (!secret) throw new Error('the human-check secret is empty');
  return secret;
}

export async function createHumanCheck(config: Pick<Config, 'challenge' | 'region'>): Promise<HumanCheck> {
  const { provider, timeoutMs, verifyUrl } = config.challenge;
  if (provider === 'off') return NO_HUMAN_CHECK;
  return siteverifyCheck({ provider, secret: await readSecret(config), timeoutMs, url: verifyUrl });
}
