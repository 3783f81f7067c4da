// What a container loads once (lib/warm.ts): started at init, shared, and retried after a failure.
import { warm } from '../../lib/warm';

describe('warm', () => {
  it('starts loading at once, and every caller shares that one load', async () => {
    let loads = 0;
    const get = warm(() => Promise.resolve(++loads));
    expect(loads).toBe(1); // before anyone asked: at init
    expect(await Promise.all([get(), get(), get()])).toEqual([1, 1, 1]);
    expect(loads).toBe(1);
  });

  it('does not keep a failed load: the next caller loads again', async () => {
    let loads = 0;
    const get = warm(() => (++loads === 1 ? Promise.reject(new Error('not yet')) : Promise.resolve('ready')));
    await expect(get()).rejects.toThrow('not yet');
    await expect(get()).resolves.toBe('ready');
    expect(loads).toBe(2);
  });

  it('leaves no unhandled rejection behind when the load at init fails and nobody asks', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      warm(() => Promise.reject(new Error('bad setting')));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
