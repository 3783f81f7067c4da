// Settings that tests and benches lay over the stack's environment (tests/kit/stack.ts puts the
// local stage's in process.env), and the configuration they make.
import { tableEnvironment } from '../../infra/tables.cjs';
import { parseConfig, type Config } from '../../lib/config';

/** The least a configuration needs (table names and a key source): every other setting at its default. */
export const MINIMAL_ENV: Readonly<Record<string, string>> = { ...tableEnvironment('u'), SIGNING_KEY_FILE: 'key.json' };

/**
 * Budgets a whole test run (one DynamoDB for every suite, minutes long) would spend by itself: the
 * service's and each country's hourly SMS. Their own tests set them, on a clock hour of their own.
 */
export const RUN_WIDE_BUDGETS_OFF = { SMS_MAX_PER_COUNTRY_PER_HOUR: '1000000', SMS_MAX_PER_HOUR: '1000000' } as const;

/** No resend cooldown and no hourly send caps: one phone or prefix can get as many codes as a run needs. */
export const NO_SEND_LIMITS = {
  SMS_RESEND_COOLDOWN_SECONDS: '0',
  SMS_MAX_PER_PHONE_PER_HOUR: '1000000',
  SMS_MAX_PER_IP_PER_HOUR: '1000000',
  ...RUN_WIDE_BUDGETS_OFF,
  CODE_MAX_FAILURES_PER_PHONE_PER_DAY: '1000000',
} as const;

/** No lockout after failed logins: a bench may log one account in, or fail to, as often as it likes. */
export const NO_LOGIN_LOCKOUT = {
  LOGIN_MAX_FAILURES: '1000000',
  LOGIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY: '1000000',
  LOGIN_MAX_FAILURES_PER_IP_PER_HOUR: '1000000',
} as const;

/** The configuration of the stack's environment with `overrides` on top. */
export function configWith(overrides: Record<string, string> = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}
