import { parseConfig } from '../../lib/config';
import { settings } from '../../lib/settings.cjs';
import { MINIMAL_ENV as base } from '../kit/env';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = parseConfig(base);
    expect(config.limits).toEqual({
      smsResendCooldownSeconds: 60,
      smsMaxPerPhonePerHour: 5,
      smsMaxPerIpPerHour: 30,
      smsMaxPerCountryPerHour: 300,
      smsMaxPerHour: 1000,
      codeMaxFailuresPerPhonePerDay: 20,
      codeTtlSeconds: 300,
      codeMaxAttempts: 5,
      captchaTokenTtlSeconds: 600,
      refreshTokenTtlSeconds: 2592000,
      sessionMaxLifetimeSeconds: 7776000,
      loginMaxFailures: 10,
      loginFailureWindowSeconds: 900,
      loginMaxFailuresPerAccountPerDay: 100,
      loginMaxFailuresPerIpPerHour: 100,
      refreshReuseGraceSeconds: 10,
    });
    expect(config.jwt.accessTokenTtlSeconds).toBe(1800);
    expect(config.bcryptCost).toBe(11);
    expect(config.bcryptCost).toBe(settings.BCRYPT_COST.default);
  });

  it('reads every tunable from the environment', () => {
    const config = parseConfig({ ...base, CODE_MAX_ATTEMPTS: '3', BCRYPT_COST: '12', SMS_MAX_PER_IP_PER_HOUR: '7' });
    expect(config.limits.codeMaxAttempts).toBe(3);
    expect(config.limits.smsMaxPerIpPerHour).toBe(7);
    expect(config.bcryptCost).toBe(12);
  });

  it('takes an empty variable for an unset one: the default', () => {
    const config = parseConfig({ ...base, SMS_RESEND_COOLDOWN_SECONDS: '', BCRYPT_COST: '', DYNAMODB_ENDPOINT: '' });
    expect(config.limits.smsResendCooldownSeconds).toBe(settings.SMS_RESEND_COOLDOWN_SECONDS.default);
    expect(config.bcryptCost).toBe(settings.BCRYPT_COST.default);
    expect(config.dynamodbEndpoint).toBeUndefined();
  });

  it.each([
    ['CODE_TTL_SECONDS', 'five'],
    ['CODE_MAX_ATTEMPTS', '0'],
    ['BCRYPT_COST', '40'],
    ['SMS_MAX_PER_PHONE_PER_HOUR', '-1'],
    ['SMS_SENDER', 'carrier-pigeon'],
  ])('fails fast on %s=%s, naming the variable', (name, value) => {
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(new RegExp(`Invalid configuration: .*${name}`));
  });

  it.each([
    ['BCRYPT_COST', '0x0c'],
    ['CODE_TTL_SECONDS', '3e2'],
    ['CODE_MAX_ATTEMPTS', '2.0'],
    ['DYNAMODB_ENDPOINT', 'file:///etc/passwd'],
    ['DYNAMODB_ENDPOINT', 'localhost:8000'],
  ])('takes only decimal digits for a number and http(s) for a URL: refuses %s=%s', (name, value) => {
    expect(() => parseConfig({ ...base, [name]: value })).toThrow(new RegExp(`Invalid configuration: ${name}: must be `));
  });

  it('takes a number with spaces around it, and a URL as given', () => {
    const config = parseConfig({ ...base, BCRYPT_COST: ' 12 ', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' });
    expect(config.bcryptCost).toBe(12);
    expect(config.dynamodbEndpoint).toBe('http://127.0.0.1:8000');
  });

  it('names every bad variable at once, each once', () => {
    const error = (() => {
      try {
        parseConfig({ ...base, CODE_TTL_SECONDS: 'five', SMS_SENDER: 'pigeon', USERS_TABLE: '' });
      } catch (caught) {
        return String(caught);
      }
      return 'no error';
    })();
    expect(error).toBe(
      'ConfigError: Invalid configuration: CODE_TTL_SECONDS: must be a whole number, 1 or more; SMS_SENDER: must be sns or outbox; USERS_TABLE: must name a table',
    );
  });

  it('requires the table names and exactly one signing-key source', () => {
    expect(() => parseConfig({ ...base, USERS_TABLE: undefined })).toThrow(/USERS_TABLE/);
    expect(() => parseConfig({ ...base, SIGNING_KEY_FILE: undefined })).toThrow(/SIGNING_KEY_PARAMETER/);
    expect(() => parseConfig({ ...base, SIGNING_KEY_PARAMETER: '/x/signing-key' })).toThrow(/exactly one/);
  });

  it('never lets a deployed function use the local outbox or a key file', () => {
    const inLambda = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
    expect(() => parseConfig({ ...base, ...inLambda, SMS_SENDER: 'outbox' })).toThrow(/SMS_SENDER/);
    expect(() => parseConfig({ ...base, ...inLambda })).toThrow(/SIGNING_KEY_FILE/);
    expect(() => parseConfig({ ...base, ...inLambda, BCRYPT_COST: '4' })).toThrow(/BCRYPT_COST/);
    const deployed = {
      ...base,
      SIGNING_KEY_FILE: undefined,
      SIGNING_KEY_PARAMETER: '/x/signing-key',
      SMS_ALLOWED_COUNTRY_CODES: '27',
      ...inLambda,
    };
    expect(parseConfig(deployed).sms.sender).toBe('sns');
  });

  it('sends codes anywhere locally unless told otherwise; a deployed function must be told, and only real calling codes', () => {
    expect(parseConfig(base).sms.allowedCountryCodes).toBeUndefined();
    const deployed = {
      ...base,
      SIGNING_KEY_FILE: undefined,
      SIGNING_KEY_PARAMETER: '/x/signing-key',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    };
    expect(() => parseConfig(deployed)).toThrow(/SMS_ALLOWED_COUNTRY_CODES: a deployed stage names where codes may go/);
    expect(parseConfig({ ...deployed, SMS_ALLOWED_COUNTRY_CODES: '*' }).sms.allowedCountryCodes).toBe('*');
    expect(parseConfig({ ...base, SMS_ALLOWED_COUNTRY_CODES: ' 27, 62,1 ' }).sms.allowedCountryCodes).toBe(' 27, 62,1 ');
    expect(() => parseConfig({ ...base, SMS_ALLOWED_COUNTRY_CODES: '27,28' })).toThrow(/28 is no country calling code/);
    expect(() => parseConfig({ ...base, SMS_ALLOWED_COUNTRY_CODES: '+27' })).toThrow(/SMS_ALLOWED_COUNTRY_CODES: must be/);
    expect(() => parseConfig({ ...deployed, SMS_ALLOWED_COUNTRY_CODES: '27', CHALLENGE_VERIFY_URL: 'http://127.0.0.1:1/' })).toThrow(
      /CHALLENGE_VERIFY_URL/,
    );
  });
});
