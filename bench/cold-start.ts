// Cold start: every function of serverless.yml bundled as deployed (bench/bundles.ts), then in
// fresh `node` processes (bench/fn-runner.cjs) the time to require the bundle and to serve a first
// request, next to a hello-world bundle measured the same way in the same run. The processes get
// the stack's environment (process.env: endpoint, tables, key file, NODE_OPTIONS, ...) with the
// deployed stage's metrics, tracing and log level (bench/processes.ts), as the functions get them
// from serverless.yml. Bundles are visited round-robin, one process at a time.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { routes } from '../infra/routes.cjs';
import { captchaToken, sentCode, storedCode } from '../tests/kit/codes';
import { httpEvent } from '../tests/kit/invoke';
import { Phones } from '../tests/kit/phones';
import type { InProcessService } from '../tests/kit/service';
import { freshRegistration, openSession, PASSWORD, registeredUser } from '../tests/kit/users';
import { XRAY_FILE } from '../esbuild.config.cjs';
import { Bundles, SDK_FLOOR, serverlessFunctions, type BundleInfo } from './bundles';
import { authorized, benchService, median, progress, timeHandler } from './lib';
import { coldRun, deployedSettingsNote, functionEnv, type ColdResult } from './processes';
import { fmt, kib, type SectionResult, type Table, type Target } from './report-model';

export const BUNDLE_TARGET_BYTES = 500 * 1024;
/** A function without DynamoDB loads within this many times hello-world... */
export const LOAD_RATIO_TARGET = 1.5;
/** ...and one with it within this many times the DynamoDB client alone, measured in the same run. */
export const FLOOR_RATIO_TARGET = 1.25;
/** The package whose presence in a bundle makes it a DynamoDB function. */
const DYNAMODB_PACKAGE = '@aws-sdk/client-dynamodb';
const HELLO = 'hello-world';
const REGISTER_WITH_MAP = 'register +source map';

/** A first-request event, built at once or after some setup. */
type EventMaker = () => object | Promise<object>;

/**
 * First-request events by function name (serverless.yml), built the way tests/kit/invoke.ts builds them,
 * and those of the two variants that are not functions of their own.
 */
function eventMakers(
  bench: InProcessService,
  phones: Phones,
  account: { phone: string },
): Record<string, EventMaker> & Record<typeof HELLO | typeof SDK_FLOOR | typeof REGISTER_WITH_MAP, EventMaker> {
  const session = () => openSession(bench.deps);
  const register: EventMaker = async () => httpEvent({ body: await freshRegistration(bench, phones.next()), path: routes.register.path });
  return {
    [HELLO]: () => httpEvent({ body: {} }),
    [SDK_FLOOR]: () => httpEvent({ body: {} }),
    register,
    [REGISTER_WITH_MAP]: register,
    sendCode: () => httpEvent({ body: { phone: phones.next(), codeType: '1' }, path: routes.sendCode.path }),
    validateCode: async () => {
      const { requestId, code } = await sentCode(bench, phones.next());
      return httpEvent({ body: { requestId, code, codeType: '1' }, path: routes.validateCode.path });
    },
    login: () => httpEvent({ body: { account: account.phone, authType: '1', password: PASSWORD }, path: routes.login.path }),
    refreshToken: async () => {
      const s = await session();
      return httpEvent({
        body: { refreshToken: s.refreshToken },
        headers: authorized(s.accessToken),
        path: routes.refreshToken.path,
      });
    },
    logout: async () => {
      const s = await session();
      return httpEvent({
        body: { userId: s.userId, accessToken: s.accessToken },
        headers: authorized(s.accessToken),
        path: routes.logout.path,
      });
    },
    userInfo: async () => {
      const s = await session();
      return httpEvent({
        path: routes.userInfo.path,
        method: routes.userInfo.method,
        query: { userId: s.userId },
        headers: authorized(s.accessToken),
      });
    },
    updateUserInfo: async () => {
      const s = await session();
      return httpEvent({
        path: routes.updateUserInfo.path,
        method: routes.updateUserInfo.method,
        body: { userId: s.userId, firstname: 'Bench' },
        headers: authorized(s.accessToken),
      });
    },
    passwordModify: async () => {
      const user = await registeredUser(bench);
      return httpEvent({
        path: routes.passwordModify.path,
        body: { oldPassword: PASSWORD, newPassword: `${PASSWORD}x`, userId: user.userId },
        headers: authorized(user.session.accessToken),
      });
    },
    phoneModify: async () => {
      const user = await registeredUser(bench);
      // A phone-change code is texted only to a signed-in caller: stored as a send stores one instead.
      const newPhone = phones.next();
      const { requestId, code } = await storedCode(bench.deps, newPhone, '4');
      const { token } = await bench.client.validateCode({ requestId, code, codeType: '4' });
      return httpEvent({
        path: routes.phoneModify.path,
        body: { userId: user.userId, newPhone, captchaToken: token, password: PASSWORD },
        headers: authorized(user.session.accessToken),
      });
    },
    passwordReset: async () => {
      const user = await registeredUser(bench);
      const token = await captchaToken(bench, user.phone, '3');
      return httpEvent({ path: routes.passwordReset.path, body: { phoneNumber: user.phone, captchaToken: token, newPwd: `${PASSWORD}x` } });
    },
    userDelete: async () => {
      const s = await session();
      return httpEvent({
        path: routes.userDelete.path,
        method: routes.userDelete.method,
        query: { userId: s.userId },
        headers: { Authorization: s.accessToken },
      });
    },
    jwks: () => httpEvent({ path: routes.jwks.path, method: routes.jwks.method }),
    accountPages: () => httpEvent({ path: '/account/login', method: 'GET' }),
    // The pages' password login, as a browser on the pages sends it (lib/pages/same-origin.ts).
    accountSession: () =>
      httpEvent({
        path: '/account/session/login',
        body: { account: account.phone, authType: '1', password: PASSWORD },
        headers: { 'x-hw-agentName': 'test-agent', 'Content-Type': 'application/json', 'sec-fetch-site': 'same-origin' },
      }),
    authorizer: async () => {
      const s = await session();
      const base = httpEvent({ path: '/koodrive/ose/v1/user/info' });
      return {
        version: '2.0',
        type: 'REQUEST',
        routeArn: 'arn:aws:execute-api:us-east-1:000000000000:bench/$default/GET/koodrive/ose/v1/user/info',
        identitySource: [s.accessToken],
        routeKey: 'GET /koodrive/ose/v1/user/info',
        rawPath: '/koodrive/ose/v1/user/info',
        rawQueryString: '',
        headers: { authorization: s.accessToken },
        requestContext: base.requestContext,
      };
    },
  };
}

interface Variant {
  name: string;
  /** Extra environment of its processes. */
  env?: Record<string, string>;
  bundle: BundleInfo;
  makeEvent: EventMaker;
  runs: ColdResult[];
}

export async function coldStart(bundles: Bundles, options: { runs: number; defaultCost: number }): Promise<SectionResult> {
  const functions = serverlessFunctions();
  const bench = await benchService({ BCRYPT_COST: String(options.defaultCost) });
  const phones = new Phones('82');
  const account = await freshRegistration(bench, phones.next());
  await timeHandler(bench.handlers.register, { body: account });
  const makers = eventMakers(bench, phones, account);

  progress(`  bundling ${functions.length} functions, hello-world, the DynamoDB client alone and register with a linked source map`);
  const variants: Variant[] = [
    { name: HELLO, bundle: await bundles.helloWorld(), makeEvent: makers[HELLO], runs: [] },
    { name: SDK_FLOOR, bundle: await bundles.sdkFloor(), makeEvent: makers[SDK_FLOOR], runs: [] },
  ];
  const skipped: string[] = [];
  for (const f of functions) {
    const makeEvent = makers[f.name];
    const bundle = await bundles.get(f.name, f.entry);
    if (makeEvent) variants.push({ name: f.name, bundle, makeEvent, runs: [] });
    else skipped.push(f.name);
  }
  const registerEntry = functions.find((f) => f.name === 'register');
  if (registerEntry) {
    const bundle = await bundles.get(REGISTER_WITH_MAP, registerEntry.entry, { sourcemap: 'linked' });
    const env = { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --enable-source-maps`.trim() };
    variants.push({ name: REGISTER_WITH_MAP, bundle, env, makeEvent: makers[REGISTER_WITH_MAP], runs: [] });
  }

  const eventsDir = join(bundles.dir, 'events');
  mkdirSync(eventsDir, { recursive: true });
  const env = await functionEnv();
  for (let run = 0; run < options.runs; run++) {
    // Round-robin, starting one further each round, so no bundle always follows the same one.
    const first = run % variants.length;
    for (const variant of [...variants.slice(first), ...variants.slice(0, first)]) {
      const eventFile = join(eventsDir, `${variant.name.replace(/\W+/g, '-')}-${run}.json`);
      writeFileSync(eventFile, JSON.stringify(await variant.makeEvent()));
      const result = await coldRun(variant.bundle.file, eventFile, variant.env ? { ...env, ...variant.env } : env);
      if (!result.ok) throw new Error(`${variant.name}: first request failed: ${result.detail}`);
      variant.runs.push(result);
    }
    progress(`  cold run ${run + 1}/${options.runs} done`);
  }
  return report(
    variants,
    skipped,
    options.runs,
    `${await deployedSettingsNote()}, NODE_OPTIONS=${JSON.stringify(env['NODE_OPTIONS'] ?? '')}`,
  );
}

function report(variants: Variant[], skipped: string[], runs: number, environment: string): SectionResult {
  const med = (v: Variant, key: keyof Omit<ColdResult, 'ok' | 'detail'>) => median(v.runs.map((r) => r[key]));
  const hello = variants.find((v) => v.name === HELLO);
  if (!hello) throw new Error('no hello-world runs to compare with');
  const helloLoaded = med(hello, 'loaded');
  // Node's start-up comes before the bundle and is the same work for every one, yet its medians
  // differ by many ms between rows: pooled over all processes it is read once, and a bundle's load
  // is that plus its own require.
  const start = median(variants.flatMap((v) => v.runs.map((r) => r.beforeRequire)));
  const pooledRatio = (v: Variant) => (start + med(v, 'requireMs')) / (start + med(hello, 'requireMs'));
  const helloAnswered = med(hello, 'answered');
  const references = new Set([HELLO, SDK_FLOOR, REGISTER_WITH_MAP]);
  const functions = variants.filter((v) => !references.has(v.name));
  const floor = variants.find((v) => v.name === SDK_FLOOR);
  if (!floor) throw new Error('no runs of the DynamoDB client alone to compare with');
  const pooledFloor = (v: Variant) => pooledRatio(v) / pooledRatio(floor);

  const sizes: Table = {
    title: `Bundles (esbuildOptions of esbuild.config.cjs; target ≤ ${kib(BUNDLE_TARGET_BYTES)} KiB minified)`,
    headers: [
      'bundle',
      'minified KiB',
      'gzip KiB',
      'source map KiB',
      `${XRAY_FILE} KiB`,
      'within target',
      'largest packages (KiB in bundle)',
    ],
    rows: variants.map((v) => [
      v.name,
      kib(v.bundle.bytes),
      kib(v.bundle.gzipBytes),
      v.bundle.mapBytes === undefined ? '-' : kib(v.bundle.mapBytes),
      v.bundle.xrayBytes === undefined ? '-' : kib(v.bundle.xrayBytes),
      references.has(v.name) ? '-' : v.bundle.bytes <= BUNDLE_TARGET_BYTES ? 'yes' : 'no',
      v.bundle.packages
        .slice(0, 7)
        .map((p) => `${p.name} ${kib(p.bytes)}`)
        .join(', '),
    ]),
  };
  const timings: Table = {
    title: `Cold start, median of ${runs} fresh node processes per bundle (ms; "process →" counts from the process's start)`,
    headers: [
      'bundle',
      'node start → require',
      'require',
      'process → loaded',
      '÷ hello',
      '÷ hello, start pooled',
      '÷ DynamoDB alone',
      '÷ DynamoDB alone, start pooled',
      'first request',
      'process → answered',
      '÷ hello',
      'spawn → exit',
    ],
    rows: variants.map((v) => [
      v.name,
      fmt(med(v, 'beforeRequire')),
      fmt(med(v, 'requireMs')),
      fmt(med(v, 'loaded')),
      fmt(med(v, 'loaded') / helloLoaded, 2),
      fmt(pooledRatio(v), 2),
      fmt(med(v, 'loaded') / med(floor, 'loaded'), 2),
      fmt(pooledFloor(v), 2),
      fmt(med(v, 'firstRequestMs')),
      fmt(med(v, 'answered')),
      fmt(med(v, 'answered') / helloAnswered, 2),
      fmt(med(v, 'wallMs')),
    ]),
  };

  const within = functions.filter((v) => v.bundle.bytes <= BUNDLE_TARGET_BYTES);
  const bySize = [...functions].sort((a, b) => a.bundle.bytes - b.bundle.bytes);
  const floorLoaded = med(floor, 'loaded');
  const usesDynamoDb = (v: Variant) => v.bundle.packages.some((p) => p.name === DYNAMODB_PACKAGE);
  const ratioRange = (rs: Array<{ name: string; ratio: number }>) =>
    rs.length === 0 ? '-' : `${fmt(Math.min(...rs.map((r) => r.ratio)), 2)}–${fmt(Math.max(...rs.map((r) => r.ratio)), 2)}×`;
  // The verdicts are on the start-pooled ratios, as the cold-start targets are stated; each row's
  // own medians are reported beside them.
  const storing = functions.filter(usesDynamoDb).map((v) => ({ name: v.name, ratio: pooledFloor(v) }));
  const others = functions.filter((v) => !usesDynamoDb(v)).map((v) => ({ name: v.name, ratio: pooledRatio(v) }));
  const storingWithin = storing.filter((r) => r.ratio <= FLOOR_RATIO_TARGET);
  const othersWithin = others.filter((r) => r.ratio <= LOAD_RATIO_TARGET);
  const storingOwn = functions.filter(usesDynamoDb).map((v) => ({ name: v.name, ratio: med(v, 'loaded') / floorLoaded }));
  const othersOwn = functions.filter((v) => !usesDynamoDb(v)).map((v) => ({ name: v.name, ratio: med(v, 'loaded') / helloLoaded }));
  const over = (rs: Array<{ name: string; ratio: number }>, limit: number) =>
    rs.filter((r) => r.ratio > limit).map((r) => `${r.name} ${fmt(r.ratio, 2)}×`);
  const targets: Target[] = [
    {
      name: `minified bundle ≤ ${kib(BUNDLE_TARGET_BYTES)} KiB, each of ${functions.length} functions`,
      target: `${functions.length} of ${functions.length}`,
      measured: `${within.length} of ${functions.length} (${kib(bySize[0]?.bundle.bytes ?? 0)}–${kib(bySize.at(-1)?.bundle.bytes ?? 0)} KiB; ${SDK_FLOOR}: ${kib(floor.bundle.bytes)} KiB)`,
      pass: within.length === functions.length,
    },
    {
      name: `module load ≤ ${FLOOR_RATIO_TARGET} × ${SDK_FLOOR} (process start → loaded, start pooled), each function that uses DynamoDB`,
      target: `${storing.length} of ${storing.length}`,
      measured: `${storingWithin.length} of ${storing.length} (${ratioRange(storing)}${over(storing, FLOOR_RATIO_TARGET).length > 0 ? `; over: ${over(storing, FLOOR_RATIO_TARGET).join(', ')}` : ''}; ${SDK_FLOOR} ${fmt(floorLoaded)} ms; each row's own medians: ${ratioRange(storingOwn)})`,
      pass: storingWithin.length === storing.length,
    },
    {
      name: `module load ≤ ${LOAD_RATIO_TARGET} × hello-world (process start → loaded, start pooled), each function without DynamoDB`,
      target: `${others.length} of ${others.length}`,
      measured: `${othersWithin.length} of ${others.length} (${ratioRange(others)}${over(others, LOAD_RATIO_TARGET).length > 0 ? `; over: ${over(others, LOAD_RATIO_TARGET).join(', ')}` : ''}; hello-world ${fmt(helloLoaded)} ms; each row's own medians: ${ratioRange(othersOwn)})`,
      pass: othersWithin.length === others.length,
    },
  ];
  const top = (v: Variant | undefined) =>
    v?.bundle.packages
      .slice(0, 4)
      .map((p) => `${p.name} ${kib(p.bytes)} KiB`)
      .join(', ') ?? '';
  return {
    title: 'Cold start and bundle size',
    tables: [sizes, timings],
    targets,
    notes: [
      `Each process: \`node bench/fn-runner.cjs cold <bundle> <event>\` reads the event, requires the bundle, calls handler(event, context) once (a fresh captcha token, code or session per process, prepared by the parent), checks the answer is 200 (the authorizer's: isAuthorized) and exits. Environment: ${environment}.`,
      `"${SDK_FLOOR}" (bench/sdk-floor.ts): a function that only builds the DynamoDB document client as lib/store/client.ts does and makes one consistent GetItem, bundled the same way: what any function of this service costs with the packages chosen for it (AWS SDK v3 client-dynamodb and lib-dynamodb), before its own code, validation, tokens, logging, metrics, tracing and signing key.`,
      `"÷ hello, start pooled": Node's start-up (node start → require, ${fmt(start)} ms) is the same work in every process but its median moves by many ms from row to row; this ratio takes its median over all ${variants.reduce((n, v) => n + v.runs.length, 0)} processes and adds each bundle's own require. It estimates the same ratio as "÷ hello", with less noise, and "÷ DynamoDB alone, start pooled" the same for the floor: the targets' verdicts are on these two.`,
      `"first request" includes what the container loads on its first use (config, signing key, DynamoDB client and its first connection), what loads when first used (${XRAY_FILE}, the tracer beside the bundle, where tracing is on; register's common-password list) and, for register and login, one bcrypt at the default cost.`,
      `"${XRAY_FILE} KiB": Powertools Tracer and the X-Ray SDK, a file of their own beside each bundle (esbuild.config.cjs), required when tracing starts, after init; the bundle target is on the function's own file.`,
      `"${REGISTER_WITH_MAP}": the register bundle with its linked source map and NODE_OPTIONS=--enable-source-maps: what Node's source-map support would cost at load. The deployed functions ship the map (sourcemap: 'linked') but leave the option off.`,
      `Largest contributors, register: ${top(variants.find((v) => v.name === 'register'))}.`,
      ...(skipped.length > 0 ? [`No first-request event for: ${skipped.join(', ')} (new functions?): bundled, not run.`] : []),
    ],
    panels: [
      {
        title: 'Cold start: process start → bundle loaded (median ms)',
        unit: 'ms',
        bars: variants.map((v) => ({
          label: v.name,
          value: med(v, 'loaded'),
          text: `${fmt(med(v, 'loaded'))} ms (${fmt(med(v, 'loaded') / helloLoaded, 2)}×)`,
        })),
        target: { value: LOAD_RATIO_TARGET * helloLoaded, label: `${LOAD_RATIO_TARGET} × hello-world` },
      },
      {
        title: 'Bundle size (KiB minified)',
        unit: 'KiB',
        bars: variants.map((v) => ({
          label: v.name,
          value: v.bundle.bytes / 1024,
          text: `${kib(v.bundle.bytes)} KiB (gzip ${kib(v.bundle.gzipBytes)})`,
        })),
        target: { value: BUNDLE_TARGET_BYTES / 1024, label: `${kib(BUNDLE_TARGET_BYTES)} KiB` },
      },
    ],
  };
}
