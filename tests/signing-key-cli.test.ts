// The signing-key commands of the README's deploy and rotation steps: what they print must be a
// value the functions load, and a rotation must keep every token already issued verifiable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { codeKeyFrom } from '../lib/tokens/code-key';
import { publicKeysFrom } from '../lib/tokens/public-keys';
import { generateSigningJwk, loadSigningKey, type StoredKeys } from '../lib/tokens/signing-key';
import { prepare, publicKeySet, retire, rotate } from '../scripts/signing-key';

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

  it('`prepare` publishes a new key without signing with it; `rotate` then signs with that one', async () => {
    const first = await generateSigningJwk();
    const prepared = await prepare(first);
    const before = await load(prepared);
    expect(before.kid).toBe(first.kid);
    expect(before.publishedKeys).toHaveLength(2);
    const next = before.publishedKeys[1]!.kid;
    const after = await load(await rotate(prepared));
    expect(after.publishedKeys.map((k) => k.kid)).toEqual([next, first.kid]);
    await expect(prepare(prepared)).rejects.toThrow(/prepared already/);
  });

  it('`public` prints the key set verifiers load, public parts only, from the signing key value', async () => {
    const prepared = await prepare(await generateSigningJwk());
    const printed = cli(['public'], JSON.stringify(prepared));
    expect(printed).not.toMatch(/"d"/);
    const keys = await publicKeysFrom(printed);
    expect(keys).toEqual((await load(prepared)).publishedKeys);
    expect(keys).toEqual((await publicKeySet(prepared)).keys);
    // A private key written there by mistake is refused, not served.
    await expect(publicKeysFrom(JSON.stringify(prepared))).rejects.toThrow(/private key/);
  }, 30_000);

  it('`code-key` prints a new 256-bit code key of its own', () => {
    const printed = cli(['code-key']);
    const key = codeKeyFrom(printed);
    expect(key.secret).toHaveLength(32);
    expect(codeKeyFrom(cli(['code-key'])).secret).not.toEqual(key.secret);
    expect(() => codeKeyFrom(JSON.stringify({ kty: 'oct', k: 'c2hvcnQ' }))).toThrow(/at least 32 bytes/);
  }, 30_000);

  it('`parameter` names the parameters serverless.yml gives the stage', () => {
    expect(cli(['parameter', '--stage', 'prod']).trim()).toBe('/koodrive-signup/prod/signing-key');
    expect(cli(['parameter', 'public-keys', '--stage', 'prod']).trim()).toBe('/koodrive-signup/prod/public-keys');
    expect(cli(['parameter', 'code-key', '--stage', 'dev']).trim()).toBe('/koodrive-signup/dev/code-key');
    expect(() => cli(['parameter', 'jwt', '--stage', 'dev'])).toThrow(/usage/);
  }, 30_000);
});
