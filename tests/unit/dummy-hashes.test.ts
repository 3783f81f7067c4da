import bcrypt from 'bcryptjs';
import { DUMMY_HASHES } from '../../lib/domain/password-check';

it('holds a dummy hash at every cost the configuration accepts, each of its own cost', () => {
  for (let cost = 4; cost <= 14; cost++) {
    const hash = DUMMY_HASHES[cost];
    expect(hash).toBeDefined();
    expect(bcrypt.getRounds(String(hash))).toBe(cost);
  }
  // A real hash of the placeholder password (checked at the cheapest cost only).
  expect(bcrypt.compareSync('not-a-real-password', String(DUMMY_HASHES[4]))).toBe(true);
});
