// Abuse limits and lifetimes: each an environment variable with this default. The single place the
// defaults are written: lib/config.ts validates them, infra/environment.cjs hands them to the
// functions. Plain CommonJS so the Serverless CLI can read it.
'use strict';

module.exports = Object.freeze({
  SMS_RESEND_COOLDOWN_SECONDS: 60,
  SMS_MAX_PER_PHONE_PER_HOUR: 5,
  SMS_MAX_PER_IP_PER_HOUR: 30,
  CODE_TTL_SECONDS: 300,
  CODE_MAX_ATTEMPTS: 5,
  CAPTCHA_TOKEN_TTL_SECONDS: 600,
  ACCESS_TOKEN_TTL_SECONDS: 1800,
  REFRESH_TOKEN_TTL_SECONDS: 2592000,
  BCRYPT_COST: 11,
  LOGIN_MAX_FAILURES: 10,
  LOGIN_FAILURE_WINDOW_SECONDS: 900,
  REFRESH_REUSE_GRACE_SECONDS: 10,
});
