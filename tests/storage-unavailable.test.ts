// Storage that cannot be reached is a 503 the client may retry, never a 500 or a hang.
import { freePort } from '../scripts/lib/dynamodb-local';
import { call, randomPhone, service } from './helpers';

it('answers 503/13000500 with Retry-After when DynamoDB is unreachable', async () => {
  const closed = `http://127.0.0.1:${await freePort()}`;
  const svc = await service({ env: { DYNAMODB_ENDPOINT: closed } });
  const started = Date.now();
  const answer = await call(svc.sendCode, { body: { phone: randomPhone(), codeType: '1' } });
  expect(answer.status).toBe(503);
  expect(answer.body).toEqual({ code: 13000500, msg: 'Service busy. Try again later.' });
  expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
  expect(Date.now() - started).toBeLessThan(10_000); // inside the function timeout
});
