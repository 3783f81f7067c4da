// The signing-key commands of the README's deploy and rotation steps: what they print must be a
// value the functions load, and a rotation must keep every token already issued verifiable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { generateSigningJwk, loadSigningKey, type StoredKeys } from '../lib/tokens/signing-key';
import { retire, rotate } from '../scripts/signing-key';

const scratch = mkdtempSync(join(tmpdir(), 'signing-key-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let files = 0;
/** Loads a stored value the way a function does (the file source stands in for SSM). */
function load(stored: StoredKeys) {
  const file = join(scratch, `key-${files++}.json`);
  writeFileSync(file, JSON.stringify(stored));
  return loadSigningKey({ region: 'us-east-1', signingKey: { parameter: undefined, file } });
}

const cli = (args: string[], input?: string) =>
  execFileSync('npm', ['run', '-s', 'signing-key', '--', ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });

describe('signing-key commands', () => {
  it('`new` prints one private key the functions load, named by its thumbprint', async () => {
    const printed = JSON.parse(cli(['new'])) as JWK;
    expect(printed).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(printed.d).toEqual(expect.any(String));
    const key = await load(printed);
    expect(key.kid).toBe(printed.kid);
    expect(key.publishedKeys).toHaveLength(1);
    expect(JSON.stringify(key.publishedKeys)).not.toContain(printed.d);
  }, 30_000);

  it('`rotate` signs with a new key and still publishes every current one, without their private parts', async () => {
    const first = await generateSigningJwk();
    const rotated = await rotate(first);
    const key = await load(rotated);
    expect(key.kid).not.toBe(first.kid);
    expect(key.publishedKeys.map((k) => k.kid)).toEqual([key.kid, first.kid]);
    expect(JSON.stringify(rotated)).not.toContain(String(first.d));

    // A second rotation before the first is retired keeps all three published.
    const again = await load(await rotate(rotated));
    expect(again.publishedKeys.map((k) => k.kid)).toEqual([again.kid, key.kid, first.kid]);
  });

  it('`retire` keeps only the key that signs now', async () => {
    const first = await generateSigningJwk();
    const rotated = await rotate(first);
    const retired = await load(retire(rotated));
    expect(retired.publishedKeys.map((k) => k.kid)).toEqual([(await load(rotated)).kid]);
  });

  it('refuses a value that holds no private key, and an unknown command', async () => {
    const { d: _private, ...publicOnly } = await generateSigningJwk();
    await expect(rotate({ keys: [publicOnly] })).rejects.toThrow(/no private key/);
    expect(() => retire(publicOnly)).toThrow(/no private key/);
    expect(() => cli(['rotate'], JSON.stringify(publicOnly))).toThrow(/no private key/);
    expect(() => cli(['frobnicate'])).toThrow(/usage/);
  }, 30_000);

  it('`parameter` names the parameter serverless.yml gives the stage', () => {
    expect(cli(['parameter', '--stage', 'prod']).trim()).toBe('/koodrive-signup/prod/signing-key');
  }, 30_000);
});
