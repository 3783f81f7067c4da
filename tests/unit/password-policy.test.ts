import { passwordProblem } from '../../lib/password-policy';

const phone = '0027188460901';

describe('password policy (SPEC §1)', () => {
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
});
