// docs/API.md §7.6: an unknown phone and a wrong password cost the same storage requests.
import { randomBytes } from 'node:crypto';
import { startCountingProxy } from './kit/counting-proxy';
import { call, randomPhone, registeredUser, service, type Service } from './helpers';

/** An address no other test uses: 2001:db8::/32 is for documentation. */
const randomIp = () => `2001:db8:${Array.from({ length: 6 }, () => randomBytes(2).toString('hex')).join(':')}`;

const login = (s: Service, account: string, password: string, sourceIp: string) =>
  call(s.login, { body: { account, authType: '1', password }, sourceIp });

let svc: Service;
beforeAll(async () => {
  svc = await service();
});

describe('an unknown phone and a wrong password (attack: timing)', () => {
  it('make the same storage requests, as counted on the wire', async () => {
    const owner = await registeredUser(svc);
    const proxy = await startCountingProxy(String(process.env['DYNAMODB_ENDPOINT']));
    try {
      const counted = await service({ env: { DYNAMODB_ENDPOINT: proxy.endpoint } });
      const requestsOf = async (account: string) => {
        proxy.reset();
        expect((await login(counted, account, 'Wrong-Pass-1', randomIp())).status).toBe(401);
        return proxy.counts();
      };
      const wrongPassword = await requestsOf(owner.phone);
      const unknownPhone = await requestsOf(randomPhone());
      expect(unknownPhone).toEqual(wrongPassword);
      expect(wrongPassword['GetItem']).toBe(2); // the phone's claim, then its user
    } finally {
      await proxy.stop();
    }
  });
});
