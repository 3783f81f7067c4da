// Phone numbers for tests and benches, in canonical form (`00` + digits, lib/phone.ts).
import { randomInt } from 'node:crypto';

/**
 * Canonical phone numbers nobody else in this run uses: `00` + a 2-digit prefix + 9 digits, counted
 * up from a random start. A caller with a prefix of its own (a bench section) never meets another's
 * numbers; callers sharing one (each test file loads its own copy) start far apart.
 */
export class Phones {
  private seq = randomInt(100_000_000, 800_000_000);
  constructor(private readonly prefix: string) {}
  next(): string {
    return `00${this.prefix}${this.seq++}`;
  }
}

const testPhones = new Phones('99');

/** A phone number nobody else in this run uses, in canonical form. */
export const randomPhone = (): string => testPhones.next();
