import { build } from 'esbuild';
import { runInNewContext } from 'node:vm';
import sourceList from '@zxcvbn-ts/language-common/src/passwords.json';
import { esbuildOptions } from '../../esbuild.config.cjs';
import { PASSWORD_MIN_CHARS, passwordProblem } from '../../lib/password-policy';

const phone = '0027188460901';

describe('password policy (docs/API.md §1)', () => {
  it('accepts the reference password', () => {
    expect(passwordProblem('01ASDAa1', phone)).toBeUndefined();
  });

  it.each(['password', '12345678', '00000000', 'qwertyui', 'Password', 'iloveyou', 'sunshine1'])('refuses %s', (pw) => {
    expect(passwordProblem(pw, phone)).toBeDefined();
  });

  it('refuses by length in characters, counting a multi-byte character once', () => {
    expect(passwordProblem('Ab1!xyz', phone)).toMatch(/8 to 64/);
    expect(passwordProblem('Ab1!xyz' + 'é'.repeat(58), phone)).toMatch(/8 to 64/); // 65 chars
    expect(passwordProblem('Ab1!🙂🙂🙂🙂', phone)).toBeUndefined(); // 8 chars, 20 bytes
  });

  it('refuses more than 72 UTF-8 bytes instead of letting bcrypt cut them', () => {
    const password = 'Ab1!' + '日本語'.repeat(8); // 28 chars, 76 bytes
    expect(passwordProblem(password, phone)).toMatch(/72 bytes/);
  });

  it("refuses a password holding the phone's digits", () => {
    expect(passwordProblem('Zx!188460901', phone)).toMatch(/phone/);
    expect(passwordProblem('Ab46090!q', phone)).toBeUndefined(); // 5 digits of it are fine
  });

  it('refuses passwords of too few distinct characters', () => {
    expect(passwordProblem('abababab', phone)).toMatch(/different characters/);
  });

  it('bundles every common password the length rule lets through, and only those', async () => {
    // esbuild.config.cjs trims, sorts and packs the list at build time, with its own length bound.
    const bundled = await build({
      ...esbuildOptions,
      stdin: { contents: "export { default } from '@zxcvbn-ts/language-common/src/passwords.json';", resolveDir: __dirname },
      write: false,
      logLevel: 'silent',
    });
    const module = { exports: {} as { default?: unknown } };
    runInNewContext(bundled.outputFiles[0]?.text ?? '', { module, exports: module.exports, require, Buffer });
    const list = module.exports.default as string[];
    expect(list.length).toBeGreaterThan(10_000);
    expect(new Set(list)).toEqual(new Set(sourceList.filter((p) => p.length >= PASSWORD_MIN_CHARS)));
  });
});
