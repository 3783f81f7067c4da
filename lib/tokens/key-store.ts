// Where the service's keys are kept. Deployed: SSM parameters, each read once per container.
// Local: files under a git-ignored folder, made on first use (npm start makes them up front).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { getParameter } from './ssm-get-parameter';

/** The value of an SSM parameter, decrypted when it is a SecureString (read at init, in no trace). */
export const readParameter = getParameter;

/** Reads `file`, writing `create()` to it first when it does not exist (never overwriting one). */
export async function readOrCreateFile(file: string, create: () => Promise<string>): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const created = await create();
  try {
    await writeFile(file, created, { flag: 'wx', mode: 0o600 });
    return created;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFile(file, 'utf8');
    throw error;
  }
}

/** Where one key is kept: a parameter (deployed) or a file (local). */
export interface KeySource {
  parameter: string | undefined;
  file: string | undefined;
}

/** The stored text of a key from its source, a local file made by `create` when missing. */
export async function readKey(what: string, source: KeySource, region: string, create: () => Promise<string>): Promise<string> {
  if (source.parameter) return readParameter(source.parameter, region);
  if (source.file) return readOrCreateFile(source.file, create);
  throw new Error(`no source for the ${what}: this function's configuration names neither its parameter nor its file`);
}
