// The hosted account pages (README, "Hosted pages") in a real browser: Debian's Chromium against
// `npm start`'s stack (serverless-offline over the esbuild bundles, DynamoDB Local, the SMS outbox),
// through every flow, the refusals a person meets on the way, axe-core on every page (no
// violation allowed), and screenshots of each page on a phone and a desktop, in English and Arabic.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { sessionRoutes } from '../infra/pages.cjs';
import { createDocumentClient } from '../lib/store/client';
import { startOfflineApi, type OfflineApi } from '../scripts/lib/serverless-cli';
import { configWith, randomPhone, registeredUser as registeredAccount, service } from './helpers';
import {
  axeViolations,
  launchChromium,
  pageProblems,
  readerContext,
  screenshot,
  VIEWPORTS,
  type RunningBrowser,
  type Viewport,
} from './pages/browser';

let api: OfflineApi | undefined;
let chromium: RunningBrowser | undefined;

beforeAll(async () => {
  // The resend cooldown stays (a 429 is one of the flows); the hourly caps would count every
  // suite's sends from this machine's one address.
  chromium = await launchChromium();
  api = await startOfflineApi({ SMS_MAX_PER_IP_PER_HOUR: '1000000', SMS_MAX_PER_PHONE_PER_HOUR: '1000000' });
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await api?.stop();
});

const PASSWORD = 'Blue-Harbour-42';
const pageAt = (path: string) => `${api!.baseUrl}/account${path}`;

/** The newest SMS the outbox holds for `phone` (canonical `00…`): its code and text. */
function lastSms(phone: string): { code: string; text: string; requestId: string } {
  const lines = readFileSync(String(process.env['SMS_OUTBOX_FILE']), 'utf8').trim().split('\n');
  const mine = lines
    .map((line) => JSON.parse(line) as { phone: string; code: string; text: string; requestId: string })
    .filter((m) => m.phone === phone);
  const last = mine[mine.length - 1];
  if (!last) throw new Error(`no SMS to ${phone}`);
  return last;
}

/** The number as a person types it: the whole international number (test numbers have no country of their own). */
const typed = (phone: string) => `+${phone.slice(2)}`;

/** A wrong code: the right one with its last digit changed. */
const wrongCode = (code: string) => code.slice(0, 5) + String((Number(code[5]) + 1) % 10);

/** The value of `read` once it is `expected`, within 5 s (the page answers asynchronously). */
async function eventually<T>(read: () => Promise<T>, expected: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (const deadline = Date.now() + 5000; !expected(value) && Date.now() < deadline; value = await read()) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return value;
}

// The page's own globals, read in the page: these tests are typed for Node, the page's DOM is not.
const langAndDir = (page: Page) => page.evaluate<[string, string]>('[document.documentElement.lang, document.documentElement.dir]');

async function contextFor(locale = 'en-US', viewport: Viewport = 'desktop'): Promise<BrowserContext> {
  return readerContext(chromium!.browser, locale, viewport);
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
  expect(pageProblems(page)).toEqual([]);
}

/** The field's error, as a screen reader reaches it: the input is invalid and described by it. */
async function fieldError(page: Page, label: string): Promise<string> {
  const input = page.getByLabel(label, { exact: true });
  expect(
    await eventually(
      () => input.getAttribute('aria-invalid'),
      (v) => v === 'true',
    ),
  ).toBe('true');
  const described = String(await input.getAttribute('aria-describedby')).split(' ');
  const error = page.locator('.field-error:not([hidden])');
  const id = String(await error.getAttribute('id'));
  expect(described).toContain(id);
  return String(await error.textContent());
}

/** Phone, then the code the SMS carried: the code step's form is left filled in and submitted. */
async function sendAndEnterCode(page: Page, phone: string, phoneLabel = 'Phone number'): Promise<void> {
  await page.getByLabel(phoneLabel, { exact: true }).fill(typed(phone));
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.getByLabel('Code from the SMS').waitFor();
  await page.getByLabel('Code from the SMS').fill(lastSms(phone).code);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/**
 * A user to log in with, registered in this process on the same tables: its codes come from no
 * address of this machine's, so the browser's own code requests for the phone meet no cooldown.
 */
async function registeredUser(): Promise<string> {
  return (await registeredAccount(await service(), PASSWORD)).phone;
}

async function logInWithPassword(page: Page, phone: string, password = PASSWORD): Promise<void> {
  await page.goto(pageAt('/login'));
  await page.getByLabel('Phone number', { exact: true }).fill(typed(phone));
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

describe('the hosted pages', () => {
  it('answer with a strict Content-Security-Policy and no inline script or style', async () => {
    const answer = await fetch(pageAt('/signup'));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await answer.text();
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]|<style|\sstyle=|\son\w+=/);
    // Everything the page loads is the service's own.
    for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url).toMatch(/^\/account\//);
    const script = await fetch(pageAt('/assets/pages.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)[\w.-]+\.(com|net|org|io)\//);
    expect((await fetch(pageAt('/nowhere'))).status).toBe(404);
    expect((await fetch(pageAt('/assets/nothing.js'))).status).toBe(404);
  });

  it('are accessible on every page, in English and Arabic, with screenshots on a phone and a desktop', async () => {
    const phone = await registeredUser();
    /** axe once per page and language (the layout's width changes no rule it checks), a screenshot at each size. */
    const check = async (page: Page, name: string, language: string) => {
      await expectAccessible(page);
      for (const viewport of Object.keys(VIEWPORTS) as Viewport[]) {
        await page.setViewportSize(VIEWPORTS[viewport]);
        await screenshot(page, `${name}-${viewport}-${language}`);
      }
    };
    for (const [locale, language] of [
      ['en-US', 'en'],
      ['ar-EG', 'ar'],
    ] as const) {
      const context = await contextFor(locale);
      const page = await context.newPage();
      for (const [name, path] of [
        ['home', ''],
        ['signup', '/signup'],
        ['login', '/login'],
        ['reset', '/reset'],
        ['signed-out', '/me'],
        ['not-found', '/nowhere'],
      ] as const) {
        await page.goto(pageAt(path));
        await page.locator('main h1').waitFor();
        if (name === 'signed-out') await page.locator('main .notice').waitFor();
        expect(await langAndDir(page)).toEqual([language, language === 'ar' ? 'rtl' : 'ltr']);
        await check(page, name, language);
      }
      // Signed in: the account page, with every form on it.
      await page.goto(pageAt('/login'));
      await page.locator('input[type="tel"]').fill(typed(phone));
      await page.locator('input[autocomplete="current-password"]').fill(PASSWORD);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL(pageAt('/me'));
      await page.locator('#current-phone').waitFor();
      await check(page, 'account', language);
      await context.close();
    }
  });

  it('sign up: phone, a wrong code, the right one, a weak password, then signed in with the cookie only', async () => {
    const context = await contextFor();
    const page = await context.newPage();
    const sessionAnswers: string[] = [];
    // Passed through as they came, read on the way: a signed-in page navigates before a listener could read them.
    await page.route('**/account/session/**', async (route) => {
      const response = await route.fetch();
      sessionAnswers.push(await response.text());
      await route.fulfill({ response });
    });
    const phone = randomPhone();
    await page.goto(pageAt('/signup'));
    // The number as it will be used, as it is typed.
    await page.getByLabel('Phone number', { exact: true }).fill(typed(phone));
    expect(
      await eventually(
        () => page.locator('.preview').textContent(),
        (v) => Boolean(v?.includes(typed(phone).slice(0, 4))),
      ),
    ).toContain(typed(phone).slice(0, 4));
    await page.getByRole('button', { name: 'Send code' }).click();

    const code = page.getByLabel('Code from the SMS');
    await code.waitFor();
    expect(await code.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await code.getAttribute('inputmode')).toBe('numeric');
    // The resend button counts down from the service's resendAfter (60 s).
    const resend = page.getByRole('button', { name: /Send a new code/ });
    expect(await resend.isDisabled()).toBe(true);
    expect(await resend.textContent()).toMatch(/^Send a new code in (59|60) s$/);
    await expectAccessible(page);

    await code.fill(wrongCode(lastSms(phone).code));
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await fieldError(page, 'Code from the SMS')).toBe('That code is not the one we sent. Check the SMS and try again.');
    const announced = () => page.locator('#announcer').textContent();
    expect(await eventually(announced, (v) => v !== '')).toBe('That code is not the one we sent. Check the SMS and try again.');
    await expectAccessible(page);

    await code.fill(lastSms(phone).code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('First name').fill('Thandi');
    await page.getByLabel('Last name').fill('Nkosi');
    await page.getByLabel('Email').fill('thandi@example.com');
    const password = page.getByLabel('Password', { exact: true });
    expect(await password.getAttribute('autocomplete')).toBe('new-password');
    await password.fill('password1');
    // The show-password switch.
    await page.getByLabel('Show password').check();
    expect(await password.getAttribute('type')).toBe('text');
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await fieldError(page, 'Password')).toBe('This password is too common. Choose one that is harder to guess.');
    await expectAccessible(page);
    await password.fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.waitForURL(pageAt('/me'));
    expect(await page.getByLabel('First name').inputValue()).toBe('Thandi');
    // The refresh token is in an HttpOnly, SameSite=Strict cookie for the pages' routes only:
    // never in an answer a script reads, in document.cookie or in the page's storage.
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'koodrive_session', httpOnly: true, sameSite: 'Strict', path: '/account/' });
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await page.evaluate('({ ...localStorage })')).toEqual({});
    expect(await page.evaluate('({ ...sessionStorage })')).toEqual({});
    expect(sessionAnswers.length).toBeGreaterThanOrEqual(2);
    for (const body of sessionAnswers) expect(body).not.toMatch(/refreshToken/);
    // A reload resumes the session from the cookie.
    await page.reload();
    await page.locator('#current-phone').waitFor();
    expect(await page.locator('#current-phone').textContent()).toContain(typed(phone).slice(0, 4));
    await context.close();
  });

  it('sign up refuses an expired code, a taken phone, and a second code before the cooldown (429)', async () => {
    const context = await contextFor();
    const page = await context.newPage();
    // An expired code: the stored code's lifetime ended, as 5 minutes would end it.
    const fresh = randomPhone();
    await page.goto(pageAt('/signup'));
    await page.getByLabel('Phone number', { exact: true }).fill(typed(fresh));
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByLabel('Code from the SMS').waitFor();
    const sms = lastSms(fresh);
    const config = configWith();
    await createDocumentClient(config).send(
      new UpdateCommand({
        TableName: config.tables.verifications,
        Key: { pk: `CODE#${sms.requestId}` },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1000 },
      }),
    );
    await page.getByLabel('Code from the SMS').fill(sms.code);
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await fieldError(page, 'Code from the SMS')).toBe('This code has expired. Send a new code and try again.');

    // The same number again before its cooldown is over: 429, and the button waits out Retry-After.
    await page.getByRole('button', { name: 'Use another number' }).click();
    await page.getByLabel('Phone number', { exact: true }).fill(typed(fresh));
    await page.getByRole('button', { name: 'Send code' }).click();
    expect(await fieldError(page, 'Phone number')).toMatch(/^Too many attempts\. You can try again in \d+ s\.$/);
    const waiting = page.locator('form button[type="submit"]');
    expect(await waiting.isDisabled()).toBe(true);
    expect(await waiting.textContent()).toMatch(/^Try again in \d+ s$/);
    await expectAccessible(page);

    // A taken phone: the code is sent and good, and the registration is refused.
    const taken = await registeredUser();
    await page.goto(pageAt('/signup'));
    await sendAndEnterCode(page, taken);
    await page.getByLabel('First name').fill('Someone');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    const takenText = 'This number already has an account. Log in, or reset the password if you forgot it.';
    expect(
      await eventually(
        () => page.locator('.form-error:not([hidden])').textContent(),
        (v) => v === takenText,
      ),
    ).toBe(takenText);
    await expectAccessible(page);
    await context.close();
  });

  it('log in with the password (a wrong one first) and with a code, by keyboard alone', async () => {
    const phone = await registeredUser();
    const context = await contextFor();
    const page = await context.newPage();
    await page.goto(pageAt('/login'));
    // Keyboard only, in reading order: the site's link, the language switch, the method, the form, the links.
    const order: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate<string>("(document.activeElement.getAttribute('autocomplete') ?? document.activeElement.textContent).trim()"),
      );
    }
    expect(order).toEqual([
      'KooDrive account',
      'العربية',
      '',
      'tel-country-code',
      'username',
      'current-password',
      '',
      'Log in',
      'Forgot your password?',
      'No account yet? Create one',
    ]);
    await page.getByLabel('Phone number', { exact: true }).focus();
    await page.keyboard.type(typed(phone));
    await page.keyboard.press('Tab');
    await page.keyboard.type('Not-the-password-1');
    await page.keyboard.press('Enter');
    expect(await fieldError(page, 'Password')).toBe('That phone number and password do not match an account.');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(pageAt('/me'));
    await page.locator('#current-phone').waitFor();

    const byCode = await contextFor();
    const codePage = await byCode.newPage();
    await codePage.goto(pageAt('/login'));
    await codePage.getByLabel('With a code by SMS').check();
    await sendAndEnterCode(codePage, phone);
    await codePage.waitForURL(pageAt('/me'));
    await codePage.locator('#current-phone').waitFor();
    await expectAccessible(codePage);
    await Promise.all([context.close(), byCode.close()]);
  });

  it('reset a forgotten password, then log in with the new one', async () => {
    const phone = await registeredUser();
    const context = await contextFor();
    const page = await context.newPage();
    await page.goto(pageAt('/reset'));
    await sendAndEnterCode(page, phone);
    const password = page.getByLabel('New password', { exact: true });
    await password.fill('12345678');
    await page.getByRole('button', { name: 'Save new password' }).click();
    expect(await fieldError(page, 'New password')).toBe('This password is too common. Choose one that is harder to guess.');
    await password.fill('Another-Harbour-7');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.getByText('Your password is changed, and every device was signed out.').waitFor();
    await expectAccessible(page);
    await logInWithPassword(page, phone, 'Another-Harbour-7');
    await page.waitForURL(pageAt('/me'));
    await context.close();
  });

  it('the account page: profile, password, phone, sign out everywhere, and deletion after a confirmation', async () => {
    const phone = await registeredUser();
    const context = await contextFor();
    const page = await context.newPage();
    await logInWithPassword(page, phone);
    await page.waitForURL(pageAt('/me'));

    await page.getByLabel('Last name').fill('Dlamini');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Your profile is saved.').waitFor();

    await page.getByLabel('Current password', { exact: true }).fill('wrong-password-1');
    await page.getByLabel('New password', { exact: true }).fill('Brand-New-Harbour-9');
    await page.getByRole('button', { name: 'Change password' }).click();
    expect(await fieldError(page, 'Current password')).toBe('That password is not right.');
    await page.getByLabel('Current password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed.').waitFor();

    const newPhone = randomPhone();
    await sendAndEnterCode(page, newPhone, 'New phone number');
    await page.getByLabel('Your password, to confirm', { exact: true }).fill('Brand-New-Harbour-9');
    await page.getByRole('button', { name: 'Change phone number' }).click();
    await page.getByText(/^Your account now uses/).waitFor();
    expect(await page.locator('#current-phone').textContent()).toContain(typed(newPhone).slice(0, 4));
    await expectAccessible(page);

    // The session survives a reload; signing out everywhere ends it, the cookie with it.
    await page.reload();
    expect(await page.getByLabel('Last name').inputValue()).toBe('Dlamini');
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByText('You are signed out on every device.').waitFor();
    expect(await context.cookies()).toEqual([]);
    await page.goto(pageAt('/me'));
    await page.getByText('You are not signed in.').waitFor();

    // Deletion asks first; "keep" keeps it.
    await logInWithPassword(page, newPhone, 'Brand-New-Harbour-9');
    await page.waitForURL(pageAt('/me'));
    await page.getByRole('button', { name: 'Delete my account…' }).click();
    await page.getByText(/^Are you sure\?/).waitFor();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Keep my account' }).click();
    await page.getByRole('button', { name: 'Delete my account…' }).click();
    await page.getByRole('button', { name: 'Yes, delete my account for good' }).click();
    await page.getByText('Your account is deleted.').waitFor();
    expect(await context.cookies()).toEqual([]);
    await logInWithPassword(page, newPhone, 'Brand-New-Harbour-9');
    expect(await fieldError(page, 'Password')).toBe('That phone number and password do not match an account.');
    await context.close();
  });

  it('switch language on the page, remember it, and send the SMS in it', async () => {
    const context = await contextFor('en-GB', 'phone');
    const page = await context.newPage();
    await page.goto(pageAt('/signup'));
    await page.getByRole('button', { name: 'العربية' }).click();
    expect(await langAndDir(page)).toEqual(['ar', 'rtl']);
    expect(await page.locator('h1').textContent()).toBe('إنشاء حساب');
    await page.reload();
    await page.locator('main h1').waitFor();
    expect((await langAndDir(page))[0]).toBe('ar');
    const phone = randomPhone();
    await page.getByLabel('رقم الهاتف', { exact: true }).fill(typed(phone));
    await page.getByRole('button', { name: 'أرسل الرمز' }).click();
    await page.getByLabel('الرمز الوارد في الرسالة').waitFor();
    expect(lastSms(phone).text).toMatch(/^رمز التحقق الخاص بك في KooDrive/);
    // Back to English in the middle of the flow: the texts change, the step stays.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Code from the SMS').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'signup-code-phone-en');
    await context.close();
  });

  it('the session routes refuse requests from other sites, and a refresh without the cookie', async () => {
    const refresh = `${api!.baseUrl}${sessionRoutes.refresh.path}`;
    const crossSite = await fetch(refresh, {
      method: 'POST',
      headers: { Origin: 'https://attacker.example', 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toEqual({ code: 13001011, msg: 'Access denied.' });
    const otherOrigin = await fetch(`${api!.baseUrl}${sessionRoutes.login.path}`, {
      method: 'POST',
      headers: { Origin: 'https://attacker.example', 'Content-Type': 'application/json', 'x-hw-agentName': 'x' },
      body: '{}',
    });
    expect(otherOrigin.status).toBe(403);
    const noCookie = await fetch(refresh, { method: 'POST' });
    expect(noCookie.status).toBe(401);
    expect(await noCookie.json()).toEqual({ code: 13001009, msg: 'Invalid refresh token.' });
  });
});
