// Configuration: read from the environment once per container, validated, and failing fast with
// a message that names every bad variable. The defaults below are the only place they are written.
import * as z from 'zod/mini';
import infra from '../infra/tables.cjs';
import tunables from './tunables.cjs';

type Tunable = keyof typeof tunables;
// Cheaper hashes are for tests and laptops only.
const MIN_DEPLOYED_BCRYPT_COST = 10;
const wholeNumber = z.refine<number>((n) => Number.isInteger(n), 'must be a whole number');
const positiveInt = (name: Tunable) => z._default(z.coerce.number().check(wholeNumber, z.positive()), tunables[name]);
const nonNegativeInt = (name: Tunable) => z._default(z.coerce.number().check(wholeNumber, z.nonnegative()), tunables[name]);
const nonEmpty = () => z.string().check(z.minLength(1));
const text = (fallback: string) => z._default(nonEmpty(), fallback);

const tableNames = Object.fromEntries(
  Object.values(infra.tables).map((t) => [t.envVar, z.string().check(z.minLength(3, `${t.envVar} must name a table`))]),
) as Record<string, z.ZodMiniString>;

export const configSchema = z
  .object({
    STAGE: text('local'),
    DYNAMODB_ENDPOINT: z.union([
      z.optional(z.url()),
      z.pipe(
        z.literal(''),
        z.transform(() => undefined),
      ),
    ]),
    AWS_REGION: text('us-east-1'),

    SMS_SENDER: z._default(z.enum(['sns', 'outbox']), 'sns'),
    SMS_OUTBOX_FILE: text('.local/sms-outbox.jsonl'),

    // Exactly one source for the ES256 signing key: an SSM SecureString (deployed) or a file (local).
    SIGNING_KEY_PARAMETER: z.optional(nonEmpty()),
    SIGNING_KEY_FILE: z.optional(nonEmpty()),
    JWT_ISSUER: text('koodrive-signup'),
    JWT_AUDIENCE: text('koodrive'),

    // 0 turns the cooldown off (the hourly caps still hold).
    SMS_RESEND_COOLDOWN_SECONDS: nonNegativeInt('SMS_RESEND_COOLDOWN_SECONDS'),
    SMS_MAX_PER_PHONE_PER_HOUR: positiveInt('SMS_MAX_PER_PHONE_PER_HOUR'),
    SMS_MAX_PER_IP_PER_HOUR: positiveInt('SMS_MAX_PER_IP_PER_HOUR'),
    CODE_TTL_SECONDS: positiveInt('CODE_TTL_SECONDS'),
    CODE_MAX_ATTEMPTS: positiveInt('CODE_MAX_ATTEMPTS'),
    CAPTCHA_TOKEN_TTL_SECONDS: positiveInt('CAPTCHA_TOKEN_TTL_SECONDS'),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt('ACCESS_TOKEN_TTL_SECONDS'),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt('REFRESH_TOKEN_TTL_SECONDS'),
    // bcryptjs accepts 4..31; above 14 one hash takes seconds on a Lambda core.
    BCRYPT_COST: z._default(z.coerce.number().check(wholeNumber, z.gte(4), z.lte(14)), tunables.BCRYPT_COST),
    LOGIN_MAX_FAILURES: positiveInt('LOGIN_MAX_FAILURES'),
    LOGIN_FAILURE_WINDOW_SECONDS: positiveInt('LOGIN_FAILURE_WINDOW_SECONDS'),
    // 0 turns the grace off: any second use of a rotated refresh token ends the session.
    REFRESH_REUSE_GRACE_SECONDS: nonNegativeInt('REFRESH_REUSE_GRACE_SECONDS'),

    // Set by the real Lambda runtime only; used to refuse local-only settings in AWS.
    AWS_EXECUTION_ENV: z.optional(z.string()),
    ...tableNames,
  })
  .check(
    z.superRefine((env, ctx) => {
      const keySources = [env.SIGNING_KEY_PARAMETER, env.SIGNING_KEY_FILE].filter(Boolean).length;
      if (keySources !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['SIGNING_KEY_PARAMETER'],
          message: 'set exactly one of SIGNING_KEY_PARAMETER (SSM, deployed) or SIGNING_KEY_FILE (local)',
        });
      }
      const inAws = env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda') ?? false;
      if (inAws && env.SMS_SENDER === 'outbox') {
        ctx.addIssue({ code: 'custom', path: ['SMS_SENDER'], message: 'the local outbox cannot be used in a deployed stage' });
      }
      if (inAws && env.BCRYPT_COST < MIN_DEPLOYED_BCRYPT_COST) {
        ctx.addIssue({
          code: 'custom',
          path: ['BCRYPT_COST'],
          message: `a deployed stage hashes at cost ${MIN_DEPLOYED_BCRYPT_COST} or more`,
        });
      }
      if (inAws && env.SIGNING_KEY_FILE) {
        ctx.addIssue({ code: 'custom', path: ['SIGNING_KEY_FILE'], message: 'a deployed stage reads its key from SSM' });
      }
    }),
  );

type Env = z.infer<typeof configSchema>;

export interface Config {
  stage: string;
  dynamodbEndpoint: string | undefined;
  region: string;
  tables: { users: string; verifications: string; sessions: string; rateLimits: string };
  sms: { sender: 'sns' | 'outbox'; outboxFile: string };
  signingKey: { parameter: string | undefined; file: string | undefined };
  jwt: { issuer: string; audience: string; accessTokenTtlSeconds: number };
  limits: {
    smsResendCooldownSeconds: number;
    smsMaxPerPhonePerHour: number;
    smsMaxPerIpPerHour: number;
    codeTtlSeconds: number;
    codeMaxAttempts: number;
    captchaTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    loginMaxFailures: number;
    loginFailureWindowSeconds: number;
    refreshReuseGraceSeconds: number;
  };
  bcryptCost: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(source: NodeJS.ProcessEnv): Config {
  const result = configSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const env: Env = result.data;
  const table = (key: keyof typeof infra.tables) => String(env[infra.tables[key].envVar as keyof Env]);
  return {
    stage: env.STAGE,
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT,
    region: env.AWS_REGION,
    tables: {
      users: table('users'),
      verifications: table('verifications'),
      sessions: table('sessions'),
      rateLimits: table('rateLimits'),
    },
    sms: { sender: env.SMS_SENDER, outboxFile: env.SMS_OUTBOX_FILE },
    signingKey: { parameter: env.SIGNING_KEY_PARAMETER, file: env.SIGNING_KEY_FILE },
    jwt: { issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS },
    limits: {
      smsResendCooldownSeconds: env.SMS_RESEND_COOLDOWN_SECONDS,
      smsMaxPerPhonePerHour: env.SMS_MAX_PER_PHONE_PER_HOUR,
      smsMaxPerIpPerHour: env.SMS_MAX_PER_IP_PER_HOUR,
      codeTtlSeconds: env.CODE_TTL_SECONDS,
      codeMaxAttempts: env.CODE_MAX_ATTEMPTS,
      captchaTokenTtlSeconds: env.CAPTCHA_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
      loginFailureWindowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
    },
    bcryptCost: env.BCRYPT_COST,
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use (cold start) and kept. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
