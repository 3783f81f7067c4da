// The limits on sending codes and on guessing them (docs/SECURITY.md, "SMS"), as the quotas the
// verification store spends: who is asking, where the SMS goes, and how much may go.
import type { Config } from '../config';
import { isIP } from 'node:net';
import type { Cooldown, SendQuota, SendScope } from './verification-store';
import type { Quota } from './records';

const HOUR = 3600;
const DAY = 24 * HOUR;

// A sharded budget's item counts at most this many sends per window, and a budget is spread over
// at most MAX_SHARDS items: the default 1,000 an hour over 20 items (docs/adr/0014).
export const SHARD_SHARE = 50;
export const MAX_SHARDS = 100;

/** How many items count a budget of `max`: enough that none takes more than SHARD_SHARE sends. */
export const shardsFor = (max: number): number => Math.min(MAX_SHARDS, Math.max(1, Math.ceil(max / SHARD_SHARE)));

/**
 * Who asks, as the limits count them: an IPv4 address, or the /64 network of an IPv6 one (what a
 * provider gives one subscriber: counting single IPv6 addresses would give an attacker 2^64 of
 * them). `unknown` when the request has no source address (never behind API Gateway).
 */
export function senderOf(sourceIp: string | undefined): string {
  if (!sourceIp) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(sourceIp);
  if (mapped?.[1]) return mapped[1];
  if (isIP(sourceIp) !== 6) return sourceIp;
  return `${expandIpv6(sourceIp).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` expanded, each without leading zeros. */
function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = Math.max(0, 8 - left.length - right.length);
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => (parseInt(g, 16) || 0).toString(16));
}

/** Whether SMS_ALLOWED_COUNTRY_CODES lets a code go to a phone of `callingCode` (undefined: none assigned). */
export function destinationAllowed(allowed: string | undefined, callingCode: string | undefined): boolean {
  const list = (allowed ?? '*').split(',').map((code) => code.trim());
  return list.includes('*') || (callingCode !== undefined && list.includes(callingCode));
}

/** A phone's wrong codes, over all its codes, in the current UTC day. */
export const codeFailuresQuota = (limits: Config['limits'], phone: string): Quota => ({
  key: `code-failures#${phone}`,
  max: limits.codeMaxFailuresPerPhonePerDay,
  windowSeconds: DAY,
});

export interface SendLimits {
  /** The send as it normally goes: every budget. */
  quotas: SendQuota[];
  /**
   * The same send once the phone's hourly budget is spent: it still goes if it is the first this
   * sender asks for this phone in the hour (docs/SECURITY.md, "Draining a victim"), every other
   * budget spent as usual.
   */
  firstFromSender: SendQuota[];
  cooldown: Cooldown | undefined;
}

/** The budgets of a code to `phone` (country calling code `callingCode`) asked for by `sender`. */
export function sendLimits(limits: Config['limits'], to: { phone: string; callingCode: string | undefined; sender: string }): SendLimits {
  const { phone, sender } = to;
  const perPhone: SendQuota = { scope: 'phone', key: `phone#${phone}`, max: limits.smsMaxPerPhonePerHour, windowSeconds: HOUR };
  const perPhoneSender = (max: number): SendQuota => ({
    scope: 'phoneSender',
    key: `phone#${phone}#from#${sender}`,
    max,
    windowSeconds: HOUR,
  });
  const others: SendQuota[] = [
    ...(sender === 'unknown' ? [] : [{ scope: 'ip', key: `ip#${sender}`, max: limits.smsMaxPerIpPerHour, windowSeconds: HOUR } as const]),
    {
      scope: 'country',
      key: `country#${to.callingCode ?? 'unassigned'}`,
      max: limits.smsMaxPerCountryPerHour,
      windowSeconds: HOUR,
      shards: shardsFor(limits.smsMaxPerCountryPerHour),
    },
    { scope: 'service', key: 'service', max: limits.smsMaxPerHour, windowSeconds: HOUR, shards: shardsFor(limits.smsMaxPerHour) },
    { scope: 'codeFailures', ...codeFailuresQuota(limits, phone), checkOnly: true },
  ];
  return {
    quotas: [perPhone, perPhoneSender(limits.smsMaxPerPhonePerHour), ...others],
    firstFromSender: [perPhoneSender(1), ...others],
    cooldown:
      limits.smsResendCooldownSeconds > 0 ? { key: `phone#${phone}#from#${sender}`, seconds: limits.smsResendCooldownSeconds } : undefined,
  };
}

/** The budgets whose spending is an alarm (infra/alarms.cjs): they stop every sender at once. */
export const BUDGET_SCOPES: ReadonlySet<SendScope> = new Set(['country', 'service']);
