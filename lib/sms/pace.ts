// A send that goes nowhere must take as long as one that goes out (docs/API.md §2.1: the answer
// never tells whether the phone has an account). The SMS provider's call is the one step the two
// paths do not share, so a suppressed send waits as long as a real one of this container took:
// one drawn at random from the latest real sends' durations.
import { setTimeout as sleep } from 'node:timers/promises';

const KEPT = 32;
// Until this container has sent a real SMS: a guess at the provider's round trip from a function
// in its region, replaced by the container's own measurements as soon as it has any.
const FIRST_GUESS_MS = 60;

export class SendPace {
  private readonly durations: number[] = [];
  private next = 0;

  /** Times a real send. */
  async timed<T>(send: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await send();
    } finally {
      this.record(performance.now() - started);
    }
  }

  record(ms: number): void {
    this.durations[this.next] = ms;
    this.next = (this.next + 1) % KEPT;
  }

  /** How long a suppressed send waits: what a recent real send took. */
  pause(): number {
    if (this.durations.length === 0) return FIRST_GUESS_MS;
    return this.durations[Math.floor(Math.random() * this.durations.length)] ?? FIRST_GUESS_MS;
  }

  /** Waits as long as a real send would have. */
  async likeASend(): Promise<void> {
    await sleep(this.pause());
  }
}
