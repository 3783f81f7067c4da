// The rows of lib/settings.cjs and what is derived from them: validation, Config, the functions'
// environment, the README's tables.
import { readFileSync } from 'node:fs';
import { parseConfig, parseSetting, type SettingName } from '../../lib/config';
import { settings } from '../../lib/settings.cjs';
import { MINIMAL_ENV as base } from '../kit/env';
import { stageEnvironment } from '../../scripts/lib/local-env';
import { withSettingsSection } from '../../scripts/lib/settings-doc';

type Row = (typeof settings)[SettingName];
const names = Object.keys(settings) as SettingName[];
const rows = names.map((name) => [name, settings[name]] as const);
const defaultOf = (row: Row) => ('default' in row ? row.default : undefined);

/** Values the row's kind refuses, as the environment would carry them. */
function refused(kind: Row['kind']): string[] {
  switch (kind.type) {
    case 'int':
      return ['five', '2.5', String(kind.min - 1), ...('max' in kind ? [String(kind.max + 1)] : [])];
    case 'enum':
      return [`not-${kind.values.join('-')}`];
    case 'url':
      return ['not a url'];
    case 'text':
      return []; // any text but the empty one, which means unset
  }
}

/** The value at a row's field: `limits.codeTtlSeconds` is config.limits.codeTtlSeconds. */
function at(config: unknown, field: string): unknown {
  return field.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], config);
}

describe('settings table', () => {
  it.each(rows.filter(([, row]) => defaultOf(row) !== undefined))('%s: its default passes its own bounds', (name, row) => {
    // As infra/environment.cjs hands it over: text.
    const parsed = parseSetting(name, String(defaultOf(row)));
    expect(parsed).toEqual({ success: true, data: defaultOf(row) });
  });

  it.each(rows.filter(([, row]) => 'localDefault' in row))('%s: its local default passes its bounds', (name, row) => {
    expect(parseSetting(name, String('localDefault' in row && row.localDefault)).success).toBe(true);
  });

  const bad = rows.flatMap(([name, row]) => refused(row.kind).map((value) => [name, value] as const));
  it.each(bad)('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}: must be `));
  });

  /** A value the row allows that is not its default, as the environment would carry it. */
  function another(row: Row, name: string): string {
    const kind = row.kind;
    switch (kind.type) {
      case 'int':
        return String('max' in kind && Number(defaultOf(row)) >= kind.max ? kind.min : Number(defaultOf(row) ?? kind.min) + 1);
      case 'enum':
        return String(kind.values.find((v) => v !== defaultOf(row)));
      case 'url':
        return 'http://127.0.0.1:1';
      case 'text':
        return 'example' in kind ? kind.example : `${name}-value`;
    }
  }

  it.each(rows)('puts %s at its own field of Config', (name, row) => {
    const value = another(row, name);
    // The one key source the configuration takes.
    const keySource = name === 'SIGNING_KEY_PARAMETER' ? { SIGNING_KEY_FILE: undefined } : {};
    const config = parseConfig({ ...base, ...keySource, [name]: value });
    expect(at(config, row.field)).toEqual((parseSetting(name, value) as { data: unknown }).data);
    expect(at(config, row.field)).not.toEqual(defaultOf(row));
  });

  it('gives each row a field of its own', () => {
    const fields = rows.map(([, row]) => row.field);
    expect(new Set(fields).size).toBe(fields.length);
  });

  it('lets a deployer override only rows that have a default; local defaults only where the functions have none', () => {
    for (const [name, row] of rows) {
      if ('requiredToDeploy' in row) continue;
      if (row.setBy === 'deployer') expect([name, defaultOf(row)]).not.toEqual([name, undefined]);
      if ('localDefault' in row) expect([name, row.setBy, defaultOf(row)]).toEqual([name, 'local', undefined]);
    }
  });

  it('leaves a setting required to deploy without a default: a deployer chooses it; the local stage has one', () => {
    const required = rows.filter(([, row]) => 'requiredToDeploy' in row);
    expect(required.map(([name]) => name)).toEqual(['SMS_ALLOWED_COUNTRY_CODES']);
    for (const [name, row] of required)
      expect([name, row.setBy, defaultOf(row), 'localDefault' in row]).toEqual([name, 'deployer', undefined, true]);
  });
});

describe("the functions' environment (infra/environment.cjs)", () => {
  const deployer = names.filter((name) => settings[name].setBy === 'deployer' && !('requiredToDeploy' in settings[name]));
  const saved = process.env;
  /** The test run's shell, without `unset`, with `set`. */
  const shell = (unset: string[], set: Record<string, string> = {}) => {
    process.env = { ...Object.fromEntries(Object.entries(saved).filter(([name]) => !unset.includes(name))), ...set };
  };
  afterEach(() => {
    process.env = saved;
  });

  it.each(['local', 'prod'])('hands every deployer setting to stage %s: the shell wins, unset or empty is the default', async (stage) => {
    shell(deployer, { CODE_MAX_ATTEMPTS: '3', BCRYPT_COST: '' });
    const env = await stageEnvironment(stage);
    const expected = Object.fromEntries(deployer.map((name) => [name, String(defaultOf(settings[name]))]));
    expect(env).toMatchObject({ ...expected, CODE_MAX_ATTEMPTS: '3' });
  });

  it('hands a setting required to deploy as the shell sets it; locally its local default, deployed nothing without it', async () => {
    shell(['SMS_ALLOWED_COUNTRY_CODES']);
    expect((await stageEnvironment('local'))['SMS_ALLOWED_COUNTRY_CODES']).toBe(settings.SMS_ALLOWED_COUNTRY_CODES.localDefault);
    expect(await stageEnvironment('prod')).not.toHaveProperty('SMS_ALLOWED_COUNTRY_CODES');
    shell([], { SMS_ALLOWED_COUNTRY_CODES: '27,62' });
    expect((await stageEnvironment('prod'))['SMS_ALLOWED_COUNTRY_CODES']).toBe('27,62');
  });

  it('hands the local rows to the local stage only', async () => {
    const local = names.filter((name) => settings[name].setBy === 'local');
    const localEnv = await stageEnvironment('local');
    const prodEnv = await stageEnvironment('prod');
    for (const name of local) {
      expect([name, localEnv[name]]).toEqual([name, expect.any(String)]);
      expect(prodEnv).not.toHaveProperty(name);
    }
  });

  it('gives the local stage the key file of its row when the shell names none', async () => {
    shell(['SIGNING_KEY_FILE']);
    const env = await stageEnvironment('local');
    expect(env['SIGNING_KEY_FILE']).toMatch(new RegExp(`${settings.SIGNING_KEY_FILE.localDefault.replace(/\./g, '\\.')}$`));
  });
});

describe('README configuration tables', () => {
  it('are the ones the rows give (npm run generate writes them)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toBe(withSettingsSection(readme));
  });
});
