// The hosted pages' session cookie and the same-origin check of their session routes
// (docs/SECURITY.md, "Sessions in the hosted pages").
import { sameOrigin } from '../../lib/pages/same-origin';
import { clearedSessionCookie, heldSession, SESSION_COOKIE, sessionCookie } from '../../lib/pages/session-cookie';

const held = { userId: '1575845639700021248', accessToken: 'AT eyJ.x.y', refreshToken: '1b47' };

describe('the session cookie', () => {
  it('is HttpOnly, Secure, SameSite=Strict, for the pages only, for the refresh token’s lifetime', () => {
    const cookie = sessionCookie(held, { maxAgeSeconds: 2_592_000, secure: true });
    const [pair, ...attributes] = cookie.split('; ');
    expect(pair).toMatch(new RegExp(`^${SESSION_COOKIE}=[\\w-]+$`));
    expect(attributes).toEqual(['Path=/account/', 'Max-Age=2592000', 'HttpOnly', 'Secure', 'SameSite=Strict']);
  });

  it('drops Secure only when told to (the local stage’s plain HTTP)', () => {
    expect(sessionCookie(held, { maxAgeSeconds: 60, secure: false })).not.toContain('Secure');
    expect(clearedSessionCookie(true)).toBe(`${SESSION_COOKIE}=; Path=/account/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`);
  });

  it('reads back what it wrote, among other cookies, and nothing else', () => {
    const value = sessionCookie(held, { maxAgeSeconds: 60, secure: true }).split('; ')[0]!;
    expect(heldSession(['theme=dark', value])).toEqual(held);
    expect(heldSession(undefined)).toBeUndefined();
    expect(heldSession([`${SESSION_COOKIE}=`])).toBeUndefined();
    expect(heldSession([`${SESSION_COOKIE}=not-json`])).toBeUndefined();
    const partial = Buffer.from(JSON.stringify({ userId: '1', accessToken: 'a' })).toString('base64url');
    expect(heldSession([`${SESSION_COOKIE}=${partial}`])).toBeUndefined();
  });
});

describe('same origin', () => {
  it.each([
    [{ host: 'api.example.com' }, true],
    [{ host: 'api.example.com', 'sec-fetch-site': 'same-origin', origin: 'https://api.example.com' }, true],
    [{ host: 'api.example.com', 'sec-fetch-site': 'same-site' }, false],
    [{ host: 'api.example.com', 'sec-fetch-site': 'cross-site' }, false],
    [{ host: 'api.example.com', origin: 'https://attacker.example' }, false],
    [{ host: 'api.example.com', origin: 'null' }, false],
  ])('%p: %p', (headers, expected) => {
    expect(sameOrigin(headers)).toBe(expected);
  });
});
