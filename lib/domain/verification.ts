// docs/API.md §2: a 6-digit code by SMS, exchanged for a single-use captcha token bound to phone + codeType.
import { ApiError } from '../errors';
import { logger } from '../logger';
import { maskPhone } from '../phone';
import { codeHash, randomCode, randomRequestId, randomToken, sameDigest, sha256 } from '../secrets';
import { SmsSendError } from '../sms/sender';
import type { Deps } from '../container';
import type { SendCodeInput } from '../api/send-code';
import type { ValidateCodeData, ValidateCodeInput } from '../api/validate-code';
import type { Quota } from './records';
import { limitError } from './refusals';
import type { VerificationCode } from './verification-store';

const HOUR = 3600;

// What a request that cannot take a guess is told, whatever the reason: one answer for all of them.
const unknownCode = () => new ApiError('wrongCode', { data: { verified: false } });

export async function sendCode(deps: Deps, input: SendCodeInput, sourceIp: string | undefined) {
  const { limits } = deps.config;
  const now = deps.now();
  const requestId = randomRequestId();
  const code = randomCode();
  const expiresAt = now + limits.codeTtlSeconds * 1000;

  const quotas: Quota[] = [{ key: `phone#${input.phone}`, max: limits.smsMaxPerPhonePerHour, windowSeconds: HOUR }];
  if (sourceIp) quotas.push({ key: `ip#${sourceIp}`, max: limits.smsMaxPerIpPerHour, windowSeconds: HOUR });
  const cooldown =
    limits.smsResendCooldownSeconds > 0 ? { key: `phone#${input.phone}`, seconds: limits.smsResendCooldownSeconds } : undefined;

  const saved = await deps.verifications.saveCode(
    {
      requestId,
      phone: input.phone,
      codeType: input.codeType,
      codeHash: codeHash(deps.codeKey.secret, requestId, code),
      expiresAt,
      failCount: 0,
      redeemed: false,
    },
    { quotas, ...(cooldown ? { cooldown } : {}), now },
  );
  if (saved.kind === 'limited') throw limitError(saved);
  try {
    await deps.sms.send({ phone: input.phone, code, codeType: input.codeType, requestId });
  } catch (error) {
    // A retry must not be refused for a code that never went out: when the provider declined the
    // send, its cooldown is lifted. When the outcome is unknown (no answer, a failure on its side)
    // the SMS may still arrive, so the cooldown holds. The quotas stay spent either way, so failing
    // sends cannot get around them. Best effort: the send's error is the answer.
    if (cooldown && error instanceof SmsSendError && error.refused) {
      await deps.verifications.releaseCooldown(cooldown, now).catch((releaseError: unknown) => {
        logger.warn('resend cooldown not lifted', { errorName: releaseError instanceof Error ? releaseError.name : 'unknown' });
      });
    }
    throw error;
  }
  logger.info('verification code sent', { phone: maskPhone(input.phone), codeType: input.codeType, requestId });

  return { requestId, expireAt: new Date(expiresAt).toISOString(), resendAfter: limits.smsResendCooldownSeconds };
}

export async function validateCode(deps: Deps, input: ValidateCodeInput) {
  try {
    return await checkCode(deps, input);
  } catch (error) {
    // Out of attempts: only a new code helps, and one may be sent once the cooldown allows.
    if (error instanceof ApiError && error.kind === 'tooManyAttempts') {
      throw new ApiError('tooManyAttempts', { retryAfterSeconds: Math.max(1, deps.config.limits.smsResendCooldownSeconds) });
    }
    throw error;
  }
}

async function checkCode(deps: Deps, input: ValidateCodeInput): Promise<ValidateCodeData> {
  const { limits } = deps.config;
  const now = deps.now();
  const stored = await deps.verifications.findCode(input.requestId);

  // An unknown request and one for another scenario look alike: nothing to learn from the answer.
  if (!stored || stored.codeType !== input.codeType || stored.redeemed) throw unknownCode();
  if (stored.failCount >= limits.codeMaxAttempts) throw new ApiError('tooManyAttempts');
  if (stored.expiresAt <= now) throw new ApiError('tokenExpired');

  if (!sameDigest(codeHash(deps.codeKey.secret, input.requestId, input.code), stored.codeHash)) {
    const counted = await deps.verifications.countWrongCode(input.requestId, limits.codeMaxAttempts);
    if (counted.kind === 'refused') throw deadCodeError(counted.found, limits.codeMaxAttempts);
    throw new ApiError('wrongCode', { data: { verified: false, failCount: String(counted.failCount) } });
  }

  const token = randomToken();
  const expiresAt = now + limits.captchaTokenTtlSeconds * 1000;
  const redeemed = await deps.verifications.redeemCode(
    input.requestId,
    limits.codeMaxAttempts,
    { tokenHash: sha256(token), phone: stored.phone, codeType: stored.codeType, expiresAt },
    now,
  );
  if (redeemed.kind === 'refused') throw redemptionError(redeemed.found, limits.codeMaxAttempts, now);
  return { verified: true, token, expireAt: new Date(expiresAt).toISOString() };
}

/**
 * A code that took no more guesses (another request got there first): spent by attempts (429), or
 * redeemed or gone, which looks like an unknown request.
 */
export function deadCodeError(found: VerificationCode | undefined, maxAttempts: number): ApiError {
  return found && found.failCount >= maxAttempts ? new ApiError('tooManyAttempts') : unknownCode();
}

/** A code that could not be redeemed after all: expired by now, or dead meanwhile. */
export function redemptionError(found: VerificationCode | undefined, maxAttempts: number, now: number): ApiError {
  return found && found.expiresAt <= now ? new ApiError('tokenExpired') : deadCodeError(found, maxAttempts);
}
