import { createIdGenerator, nextId } from '../../lib/ids';

describe('snowflake ids', () => {
  it('are 19-digit decimal strings below 2^63', () => {
    const id = nextId();
    expect(id).toMatch(/^[1-9][0-9]{18}$/);
    expect(BigInt(id) < 2n ** 63n).toBe(true);
  });

  it('are unique and increasing within one container, even in the same millisecond', () => {
    const gen = createIdGenerator(7, () => 1_800_000_000_000);
    const ids = Array.from({ length: 10_000 }, gen).map(BigInt);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });

  it('stay increasing when the clock steps back', () => {
    let now = 1_800_000_000_000;
    const gen = createIdGenerator(1, () => now);
    const first = BigInt(gen());
    now -= 5_000;
    expect(BigInt(gen()) > first).toBe(true);
  });

  it('differ between workers in the same millisecond', () => {
    const clock = () => 1_800_000_000_000;
    expect(createIdGenerator(1, clock)()).not.toBe(createIdGenerator(2, clock)());
  });
});
