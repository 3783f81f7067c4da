// docs/API.md §2: a 6-digit code by SMS, exchanged for a single-use captcha token bound to phone + codeType.
// The abuse policy it obeys (docs/API.md §7, docs/SECURITY.md "SMS"): where codes may go, who may
// ask, the human check, the budgets, the phone's wrong codes, and no SMS where the flow cannot succeed.
import { ApiError } from '../errors';
import { logger } from '../logger';
import { countBudgetSpent, countSuccess } from '../observability/metrics';
import { callingCodeOf, maskPhone } from '../phone';
import { codeHash, randomCode, randomRequestId, randomToken, requestRef, sameDigest, sha256 } from '../secrets';
import { HumanCheckUnavailable } from '../challenge/human-check';
import { SendPace } from '../sms/pace';
import { SmsSendError } from '../sms/sender';
import { smsLanguage } from '../sms/texts';
import type { Deps } from '../container';
import type { CodeType } from '../api/fields';
import type { SendCodeInput } from '../api/send-code';
import type { ValidateCodeData, ValidateCodeInput } from '../api/validate-code';
import { limitError } from './refusals';
import { BUDGET_SCOPES, codeFailuresQuota, destinationAllowed, senderOf, sendLimits } from './verification-limits';
import type { SendLimited, VerificationCode } from './verification-store';

// What a request that cannot take a guess is told, whatever the reason: one answer for all of them.
const unknownCode = () => new ApiError('wrongCode', { data: { verified: false } });

/** What a send-code request brings besides its body. */
export interface SendRequest {
  sourceIp: string | undefined;
  /** `Authorization`: a live session's access token, required for a phone-change code (codeType 4). */
  authorization?: string | undefined;
  /** `X-Challenge-Token`: the human check's token, required when SEND_CODE_CHALLENGE is on. */
  challengeToken?: string | undefined;
  /** `language`: the SMS text's (lib/sms/texts.ts), English when absent or not one it is written in. */
  language?: string | undefined;
}

// Real sends' durations in this container, which a suppressed send takes too (lib/sms/pace.ts).
const pace = new SendPace();

export async function sendCode(deps: Deps, input: SendCodeInput, request: SendRequest) {
  const { limits } = deps.config;
  // The checks that spend nothing come first: a refused destination, a missing session or a failed
  // human check costs no quota.
  const callingCode = callingCodeOf(input.phone);
  if (!destinationAllowed(deps.config.sms.allowedCountryCodes, callingCode)) throw new ApiError('destinationNotAllowed');
  if (input.codeType === '4') await deps.verifyAccessToken(request.authorization);
  await checkHuman(deps, request);
  const deliver = await flowCanSucceed(deps, input.phone, input.codeType);

  const now = deps.now();
  const requestId = randomRequestId();
  const code = randomCode();
  const expiresAt = now + limits.codeTtlSeconds * 1000;
  const stored: VerificationCode = {
    requestId,
    phone: input.phone,
    codeType: input.codeType,
    codeHash: codeHash(deps.codeKey.secret, requestId, code),
    expiresAt,
    failCount: 0,
    redeemed: false,
  };
  const planned = sendLimits(limits, { phone: input.phone, callingCode, sender: senderOf(request.sourceIp) });
  const spend = { cooldown: planned.cooldown, now };
  let saved = await deps.verifications.saveCode(stored, { ...spend, quotas: planned.quotas });
  // The phone's hour is spent: another sender's first code of the hour still goes, so that codes
  // others asked for cannot lock the owner out (docs/SECURITY.md, "Draining a victim").
  if (saved.kind === 'limited' && saved.scopes.every((scope) => scope === 'phone')) {
    saved = await deps.verifications.saveCode(stored, { ...spend, quotas: planned.firstFromSender });
  }
  if (saved.kind === 'limited') throw refusedSend(saved, callingCode);

  const ref = requestRef(requestId);
  if (!deliver) {
    // Answered as a real send, its quotas spent alike, texted to nobody (docs/API.md §2.1).
    await pace.likeASend();
    countSuccess('CodesSuppressed');
    logger.info('verification code not sent: the flow cannot succeed', {
      phone: maskPhone(input.phone),
      codeType: input.codeType,
      requestRef: ref,
    });
  } else {
    const message = { phone: input.phone, code, codeType: input.codeType, requestId, language: smsLanguage(request.language) };
    await text(deps, message, planned.cooldown, now);
    countSuccess('CodesSent');
    logger.info('verification code sent', { phone: maskPhone(input.phone), codeType: input.codeType, requestRef: ref });
  }
  return { requestId, expireAt: new Date(expiresAt).toISOString(), resendAfter: limits.smsResendCooldownSeconds };
}

/** The human check, when it is on: before anything is spent (docs/SECURITY.md, "Human check"). */
async function checkHuman(deps: Deps, request: SendRequest): Promise<void> {
  if (deps.config.challenge.provider === 'off') return;
  if (deps.humanCheck.provider !== deps.config.challenge.provider) {
    throw new Error('SEND_CODE_CHALLENGE is on, but this function was built without its human check');
  }
  if (!request.challengeToken) throw new ApiError('humanCheckFailed');
  let verdict;
  try {
    verdict = await deps.humanCheck.verify(request.challengeToken, request.sourceIp);
  } catch (error) {
    if (!(error instanceof HumanCheckUnavailable)) throw error;
    // Fail closed: without a verdict no code goes out. The client may retry.
    logger.warn('human check unavailable', { provider: deps.humanCheck.provider, reason: error.message });
    throw new ApiError('serviceBusy', { retryAfterSeconds: 1 });
  }
  if (verdict !== 'passed') throw new ApiError('humanCheckFailed');
}

/**
 * Whether the code can lead anywhere: a login or reset code (2, 3) needs an account on the phone,
 * a phone-change code (4) a number nobody holds. The same read for every such code, whatever it finds.
 */
async function flowCanSucceed(deps: Deps, phone: string, codeType: CodeType): Promise<boolean> {
  if (codeType === '1') return true;
  const claimed = await deps.verifications.isPhoneClaimed(phone);
  return codeType === '4' ? !claimed : claimed;
}

/** What a refused send answers: 429 for as long as its longest limit holds; a spent budget is also an alarm. */
function refusedSend(limited: SendLimited, callingCode: string | undefined): ApiError {
  for (const scope of new Set(limited.scopes)) {
    if (!BUDGET_SCOPES.has(scope)) continue;
    countBudgetSpent(scope as 'country' | 'service');
    logger.warn('SMS budget spent', { budget: scope, ...(scope === 'country' ? { callingCode: callingCode ?? 'unassigned' } : {}) });
  }
  return limitError(limited);
}

/** Hands the code to the SMS provider. */
async function text(
  deps: Deps,
  message: Parameters<Deps['sms']['send']>[0],
  cooldown: { key: string; seconds: number } | undefined,
  now: number,
) {
  try {
    await pace.timed(() => deps.sms.send(message));
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
}

export async function validateCode(deps: Deps, input: ValidateCodeInput): Promise<ValidateCodeData> {
  const { limits } = deps.config;
  const now = deps.now();
  const stored = await deps.verifications.findCode(input.requestId);

  // An unknown request and one for another scenario look alike: nothing to learn from the answer.
  if (!stored || stored.codeType !== input.codeType || stored.redeemed) throw unknownCode();
  if (stored.failCount >= limits.codeMaxAttempts) throw codeDead(deps, deadCodeError(stored, limits.codeMaxAttempts));
  if (stored.expiresAt <= now) throw new ApiError('tokenExpired');
  // Every guess at this phone's codes counts against its daily budget of wrong ones; once spent,
  // no code of the phone is taken, right or wrong, until the day ends (docs/SECURITY.md).
  const failures = codeFailuresQuota(limits, stored.phone);

  if (!sameDigest(codeHash(deps.codeKey.secret, input.requestId, input.code), stored.codeHash)) {
    const counted = await deps.verifications.countWrongCode(input.requestId, {
      maxAttempts: limits.codeMaxAttempts,
      seen: stored.failCount,
      failures,
      now,
    });
    if (counted.kind === 'limited') throw limitError(counted);
    if (counted.kind === 'refused') throw codeDead(deps, deadCodeError(counted.found, limits.codeMaxAttempts));
    throw new ApiError('wrongCode', { data: { verified: false, failCount: String(counted.failCount) } });
  }

  const token = randomToken();
  const expiresAt = now + limits.captchaTokenTtlSeconds * 1000;
  const redeemed = await deps.verifications.redeemCode(input.requestId, {
    maxAttempts: limits.codeMaxAttempts,
    token: { tokenHash: sha256(token), phone: stored.phone, codeType: stored.codeType, expiresAt },
    failures,
    now,
  });
  if (redeemed.kind === 'limited') throw limitError(redeemed);
  if (redeemed.kind === 'refused') throw codeDead(deps, redemptionError(redeemed.found, limits.codeMaxAttempts, now));
  return { verified: true, token, expireAt: new Date(expiresAt).toISOString() };
}

/**
 * Out of attempts: only a new code helps, and one may be sent once the cooldown allows. (A phone
 * past its wrong codes for the day is told its own wait, by limitError.)
 */
function codeDead(deps: Deps, error: ApiError): ApiError {
  if (error.kind !== 'tooManyAttempts') return error;
  return new ApiError('tooManyAttempts', { retryAfterSeconds: Math.max(1, deps.config.limits.smsResendCooldownSeconds) });
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
