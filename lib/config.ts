// Configuration: read from the environment once per container, validated, and failing fast with
// a message that names every bad variable. Each setting is a row of lib/settings.cjs: its
// validation here and its place in `Config` are built from that row, not written per setting.
import * as z from 'zod/mini';
import infra from '../infra/tables.cjs';
import { isCallingCode } from './phone';
import { allowed, MIN_DEPLOYED_BCRYPT_COST, settings } from './settings.cjs';

type Rows = typeof settings;
export type SettingName = keyof Rows;
type Row = Rows[SettingName];
type Field<N extends SettingName> = Rows[N]['field'];

/** What a row's value parses to: a number, one of its values, or text; undefined if it has no default. */
type Value<N extends SettingName> =
  | (Rows[N]['kind'] extends { type: 'int' } ? number : Rows[N]['kind'] extends { type: 'enum'; values: readonly (infer V)[] } ? V : string)
  | (Rows[N] extends { default: string | number } ? never : undefined);

/** The validated environment, one key per row. */
type SettingValues = { [N in SettingName]: Value<N> };

// `Config` from the rows' fields: `bcryptCost` a key of its own, `limits.codeTtlSeconds` a key of
// the group `limits`.
type GroupOf<F> = F extends `${infer G}.${string}` ? G : never;
type Ungrouped = { [N in SettingName as Field<N> extends `${string}.${string}` ? never : Field<N>]: Value<N> };
type Grouped = { [G in GroupOf<Field<SettingName>>]: { [N in SettingName as Field<N> extends `${G}.${infer K}` ? K : never]: Value<N> } };
type Tables = { tables: Record<keyof typeof infra.tables, string> };
type Flatten<T> = { [K in keyof T]: T[K] } & {};

export type Config = Flatten<Ungrouped & Grouped & Tables>;

// zod/mini ships no message texts ("Invalid input"): a refusal says what the row allows instead.
function valueSchema(kind: Row['kind']): z.ZodMiniType {
  const message = `must be ${allowed(kind)}`;
  switch (kind.type) {
    case 'int': {
      const bounds = [z.gte(kind.min, message), ...('max' in kind ? [z.lte(kind.max, message)] : [])];
      return z.coerce.number(message).check(z.refine<number>(Number.isInteger, message), ...bounds);
    }
    case 'enum':
      return z.enum(kind.values, message);
    case 'text':
      return 'pattern' in kind
        ? z.string(message).check(z.minLength(1, message), z.regex(new RegExp(kind.pattern), message))
        : z.string(message).check(z.minLength(1, message));
    case 'url':
      return z.url(message);
  }
}

function settingSchema(row: Row): z.ZodMiniType {
  const value = valueSchema(row.kind);
  return 'default' in row ? z._default(value, row.default) : z.optional(value);
}

const settingNames = Object.keys(settings) as SettingName[];

/** The schema of one setting, as the environment gives it (text). */
export const settingSchemas = Object.fromEntries(settingNames.map((name) => [name, settingSchema(settings[name])])) as Record<
  SettingName,
  z.ZodMiniType
>;

const tableNames = Object.fromEntries(
  Object.values(infra.tables).map((t) => [t.envVar, z.string().check(z.minLength(3, `${t.envVar} must name a table`))]),
);

// The rules that span settings.
function crossFieldRules(env: SettingValues & { AWS_EXECUTION_ENV?: string | undefined }, ctx: z.core.$RefinementCtx): void {
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
    ctx.addIssue({ code: 'custom', path: ['BCRYPT_COST'], message: `a deployed stage hashes at cost ${MIN_DEPLOYED_BCRYPT_COST} or more` });
  }
  if (inAws && env.SIGNING_KEY_FILE) {
    ctx.addIssue({ code: 'custom', path: ['SIGNING_KEY_FILE'], message: 'a deployed stage reads its key from SSM' });
  }
  if (env.CODE_KEY_PARAMETER && env.CODE_KEY_FILE) {
    ctx.addIssue({ code: 'custom', path: ['CODE_KEY_PARAMETER'], message: 'set one of CODE_KEY_PARAMETER or CODE_KEY_FILE, not both' });
  }
  if (inAws && env.CODE_KEY_FILE) {
    ctx.addIssue({ code: 'custom', path: ['CODE_KEY_FILE'], message: 'a deployed stage reads its key from SSM' });
  }
  smsRules(env, inAws, ctx);
}

// Where codes may go, and where the human check is asked (docs/SECURITY.md, "SMS").
function smsRules(env: SettingValues, inAws: boolean, ctx: z.core.$RefinementCtx): void {
  const countries = env.SMS_ALLOWED_COUNTRY_CODES;
  if (inAws && !countries) {
    ctx.addIssue({ code: 'custom', path: ['SMS_ALLOWED_COUNTRY_CODES'], message: 'a deployed stage names where codes may go (or *)' });
  }
  const unknown = (countries ?? '*')
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code !== '*' && !isCallingCode(code));
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['SMS_ALLOWED_COUNTRY_CODES'],
      message: `${unknown.join(', ')} ${unknown.length === 1 ? 'is no' : 'are no'} country calling code (ITU-T E.164)`,
    });
  }
  if (inAws && env.CHALLENGE_VERIFY_URL) {
    ctx.addIssue({ code: 'custom', path: ['CHALLENGE_VERIFY_URL'], message: "a deployed stage asks the provider's own siteverify" });
  }
}

export const configSchema = z
  .object({
    ...settingSchemas,
    // Set by the real Lambda runtime only; used to refuse local-only settings in AWS.
    AWS_EXECUTION_ENV: z.optional(z.string()),
    ...tableNames,
  })
  .check(z.superRefine((env, ctx) => crossFieldRules(env as unknown as SettingValues, ctx)));

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `config[group][key] = value` for a field `group.key`, `config[field] = value` for an ungrouped one. */
function place(config: Record<string, unknown>, field: string, value: unknown): void {
  const dot = field.indexOf('.');
  if (dot < 0) {
    config[field] = value;
    return;
  }
  const group = field.slice(0, dot);
  const entries = (config[group] ??= {}) as Record<string, unknown>;
  entries[field.slice(dot + 1)] = value;
}

export function parseConfig(source: NodeJS.ProcessEnv): Config {
  // Unset or empty means the default (README, Configuration).
  const given = { ...source };
  for (const name of settingNames) if (given[name] === '') given[name] = undefined;
  const result = configSchema.safeParse(given);
  if (!result.success) {
    // A value can fail several checks with the same message (-1.5: not whole, not 1 or more).
    const problems = new Set(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
    throw new ConfigError(`Invalid configuration: ${[...problems].join('; ')}`);
  }
  const env = result.data as Record<string, unknown>;
  const config: Record<string, unknown> = {
    tables: Object.fromEntries(Object.entries(infra.tables).map(([key, t]) => [key, env[t.envVar]])),
  };
  for (const name of settingNames) place(config, settings[name].field, env[name]);
  // The shape follows from the same rows as the type; tests/unit/settings.test.ts checks each field.
  return config as Config;
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use (cold start) and kept. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
