import { compactVerify, importJWK, decodeProtectedHeader } from 'jose';
import { call, captchaToken, randomPhone, registration, service, type Service } from './helpers';

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

describe('sign-up end to end through the handlers', () => {
  it('sends a code, validates it and registers with the captcha token', async () => {
    const phone = randomPhone();
    const token = await captchaToken(phone, '1', svc);
    const answer = await call(svc.register, { body: registration(`+${phone.slice(2)}`, token) });

    expect(answer.status).toBe(200);
    expect(answer.headers['Cache-Control']).toBe('no-store');
    expect(answer.body.code).toBe(0);
    expect(answer.body.msg).toBe('Success.');
    const data = answer.body.data!;
    expect(data['userId']).toMatch(/^[0-9]{19}$/);
    expect(data['phone']).toBe(phone);
    const session = data['sessionInfo'];
    expect(session.expiresIn).toBe(1800);
    expect(session.issuedAt).toMatch(/^[0-9]{13}$/);
    expect(session.refreshToken).toMatch(/^[0-9a-f]{48}$/);
    expect(session.accessToken).toMatch(/^AT [\w-]+\.[\w-]+\.[\w-]+$/);

    const jws = session.accessToken.slice(3);
    const header = decodeProtectedHeader(jws);
    expect(header).toMatchObject({ alg: 'ES256', kid: svc.deps.signingKey.kid });
    const { payload } = await compactVerify(jws, await importJWK(svc.deps.signingKey.publicJwk, 'ES256'));
    const claims = JSON.parse(new TextDecoder().decode(payload));
    expect(claims).toMatchObject({ iss: 'koodrive-signup', aud: 'koodrive', sub: data['userId'] });
    expect(claims.exp - claims.iat).toBe(1800);
    expect(claims.iat).toBe(Math.floor(Number(session.issuedAt) / 1000));
    expect(typeof claims.jti).toBe('string');
    expect(typeof claims.sid).toBe('string');
  });
});
