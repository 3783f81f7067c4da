// Caching: a success may be kept as its endpoint declares (its module in lib/api/); a failure never may,
// or a CDN or browser would go on serving a refusal or an outage after its cause is gone.
import { createHandler as jwksHandler } from '../functions/jwks';
import { ENDPOINTS } from '../lib/api/index';
import { call, service, type Service } from './helpers';

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

const BAD_TRACE_ID = { 'X-Traceid': 'not a trace id' };

describe('Cache-Control', () => {
  it('JWKS: the keys are cacheable as declared, a refused request (bad X-Traceid) is not', async () => {
    const keys = await call(svc.jwks, { method: 'GET', headers: {} });
    expect([keys.status, keys.headers['Cache-Control']]).toEqual([200, ENDPOINTS.jwks.cacheControl]);
    expect(ENDPOINTS.jwks.cacheControl).toMatch(/^public, max-age=[1-9][0-9]*$/);

    const refused = await call(svc.jwks, { method: 'GET', headers: BAD_TRACE_ID });
    expect([refused.status, refused.body.code, refused.headers['Cache-Control']]).toEqual([400, 13000102, 'no-store']);
  });

  it('JWKS: keys that fail to load (500) are not cacheable', async () => {
    const broken = jwksHandler(() => Promise.reject(new Error('the signing key could not be read')));
    const answer = await call(broken, { method: 'GET', headers: {} });
    expect([answer.status, answer.body.code, answer.headers['Cache-Control']]).toEqual([500, 13000501, 'no-store']);
  });

  it.each(['sendCode', 'validateCode', 'register', 'login', 'refreshToken', 'logout', 'userInfo', 'updateUserInfo'] as const)(
    '%s: a refused request is not cacheable',
    async (name) => {
      const refused = await call(svc[name], { headers: { ...BAD_TRACE_ID, 'x-hw-agentName': 'test-agent' }, body: {} });
      expect([refused.status, refused.headers['Cache-Control']]).toEqual([400, 'no-store']);
    },
  );
});
