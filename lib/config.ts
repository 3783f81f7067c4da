// Configuration: read from the environment once per container, validated, and failing fast with
// a message that names every bad variable. Each setting is a row of lib/settings.cjs: its
// validation here and its place in `Config` are built from that row, not written per setting.
// The rows are the schema, read by a small interpreter of their four kinds rather than turned into
// zod schemas: building and running some 150 of those cost every cold start about 4 ms
// (docs/adr/0022-configuration-without-zod.md). Request schemas stay zod's (lib/api/).
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

/** What one setting's text parses to: its value (a number, one of its values, the text), or why not. */
export type SettingResult = { success: true; data: unknown } | { success: false; message: string };

const WHOLE_NUMBER = /^[0-9]+$/;

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

// Each pattern compiled once, when a value is first checked against it.
const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let pattern = patterns.get(source);
  if (!pattern) patterns.set(source, (pattern = new RegExp(source)));
  return pattern;
}

function parseValue(kind: Row['kind'], text: string): SettingResult {
  const refused: SettingResult = { success: false, message: `must be ${allowed(kind)}` };
  switch (kind.type) {
    case 'int': {
      const digits = text.trim();
      const value = Number(digits);
      const inBounds = value >= kind.min && (!('max' in kind) || value <= kind.max);
      return WHOLE_NUMBER.test(digits) && inBounds ? { success: true, data: value } : refused;
    }
    case 'enum':
      return (kind.values as readonly string[]).includes(text) ? { success: true, data: text } : refused;
    case 'text':
      return !('pattern' in kind) || patternOf(kind.pattern).test(text) ? { success: true, data: text } : refused;
    case 'url':
      return isHttpUrl(text) ? { success: true, data: text } : refused;
  }
}

/**
 * One setting as the environment gives it (text; unset or empty means its default, or nothing
 * when it has none).
 */
export function parseSetting(name: SettingName, text: string | undefined): SettingResult {
  const row: Row = settings[name];
  if (text === undefined || text === '') return { success: true, data: 'default' in row ? row.default : undefined };
  return parseValue(row.kind, text);
}

const settingNames = Object.keys(settings) as SettingName[];

/** Collects what is wrong with a configuration, as `VARIABLE: what it must be`. */
class Problems {
  readonly found: string[] = [];
  add(name: string, message: string): void {
    const line = `${name}: ${message}`;
    if (!this.found.includes(line)) this.found.push(line);
  }
}

// The rules that span settings.
function crossFieldRules(env: SettingValues & { AWS_EXECUTION_ENV?: string | undefined }, problems: Problems): void {
  const keySources = [env.SIGNING_KEY_PARAMETER, env.SIGNING_KEY_FILE].filter(Boolean).length;
  if (keySources !== 1) {
    problems.add('SIGNING_KEY_PARAMETER', 'set exactly one of SIGNING_KEY_PARAMETER (SSM, deployed) or SIGNING_KEY_FILE (local)');
  }
  const inAws = env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda') ?? false;
  if (inAws && env.SMS_SENDER === 'outbox') problems.add('SMS_SENDER', 'the local outbox cannot be used in a deployed stage');
  if (inAws && env.BCRYPT_COST < MIN_DEPLOYED_BCRYPT_COST) {
    problems.add('BCRYPT_COST', `a deployed stage hashes at cost ${MIN_DEPLOYED_BCRYPT_COST} or more`);
  }
  if (inAws && env.SIGNING_KEY_FILE) problems.add('SIGNING_KEY_FILE', 'a deployed stage reads its key from SSM');
  if (env.CODE_KEY_PARAMETER && env.CODE_KEY_FILE) {
    problems.add('CODE_KEY_PARAMETER', 'set one of CODE_KEY_PARAMETER or CODE_KEY_FILE, not both');
  }
  if (inAws && env.CODE_KEY_FILE) problems.add('CODE_KEY_FILE', 'a deployed stage reads its key from SSM');
  smsRules(env, inAws, problems);
}

// Where codes may go, and where the human check is asked (docs/SECURITY.md, "SMS").
function smsRules(env: SettingValues, inAws: boolean, problems: Problems): void {
  const countries = env.SMS_ALLOWED_COUNTRY_CODES;
  if (inAws && !countries) problems.add('SMS_ALLOWED_COUNTRY_CODES', 'a deployed stage names where codes may go (or *)');
  const unknown = (countries ?? '*')
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code !== '*' && !isCallingCode(code));
  if (unknown.length > 0) {
    problems.add(
      'SMS_ALLOWED_COUNTRY_CODES',
      `${unknown.join(', ')} ${unknown.length === 1 ? 'is no' : 'are no'} country calling code (ITU-T E.164)`,
    );
  }
  if (inAws && env.CHALLENGE_VERIFY_URL) {
    problems.add('CHALLENGE_VERIFY_URL', "a deployed stage asks the provider's own siteverify");
  }
}

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
  const problems = new Problems();
  const env: Record<string, unknown> = {};
  for (const name of settingNames) {
    const result = parseSetting(name, source[name]);
    if (result.success) env[name] = result.data;
    else problems.add(name, result.message);
  }
  const config: Record<string, unknown> = { tables: {} };
  for (const [key, table] of Object.entries(infra.tables)) {
    const tableName = source[table.envVar];
    if (tableName === undefined || tableName.length < 3) problems.add(table.envVar, 'must name a table');
    (config['tables'] as Record<string, unknown>)[key] = tableName;
  }
  // Set by the real Lambda runtime only; used to refuse local-only settings in AWS.
  crossFieldRules({ ...(env as SettingValues), AWS_EXECUTION_ENV: source['AWS_EXECUTION_ENV'] }, problems);
  if (problems.found.length > 0) throw new ConfigError(`Invalid configuration: ${problems.found.join('; ')}`);
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
