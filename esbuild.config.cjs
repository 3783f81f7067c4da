// How every function is bundled: read by serverless-esbuild (serverless.yml custom.esbuild.config)
// and by the bench scripts, so that what is measured is what is deployed.
'use strict';

const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { brotliCompressSync } = require('node:zlib');
const { basename, dirname, join, resolve } = require('node:path');

// The policy refuses passwords under 8 characters before it looks at the common-password list,
// so shorter entries of that list are dead weight in every bundle (more than half of it). The rest
// ships sorted and Brotli-compressed: 66 KiB of base64 instead of 199 KiB of JSON (98 KiB unsorted:
// sorted neighbours share prefixes, which Brotli packs; the policy looks entries up in a Set, so
// their order means nothing). It is unpacked when the list is first read, by the first password
// check (lib/password-policy.ts builds its Set then too), not while the register function loads:
// about 4 ms less at init on a quiet machine, the same work once in the first registration.
// Keep in step with PASSWORD_MIN_CHARS in lib/password-policy.ts (tests/unit/password-policy.test.ts
// checks the bundled list against it).
const COMMON_PASSWORD_MIN_CHARS = 8;

/** @type {import('esbuild').Plugin} */
const trimCommonPasswords = {
  name: 'trim-common-passwords',
  setup(build) {
    build.onLoad({ filter: /@zxcvbn-ts[\\/]language-common[\\/]src[\\/]passwords\.json$/ }, (args) => {
      const list = JSON.parse(readFileSync(args.path, 'utf8'))
        .filter((p) => p.length >= COMMON_PASSWORD_MIN_CHARS)
        .sort();
      const packed = brotliCompressSync(Buffer.from(list.join('\n'))).toString('base64');
      // CommonJS with `__esModule` and `default` as a getter: esbuild's interop then forwards
      // `default` to the getter instead of copying the array's indices into a namespace object
      // (which an array as `module.exports` would cost, about 17 ms), and the getter unpacks once.
      return {
        contents: [
          "Object.defineProperty(exports, '__esModule', { value: true });",
          'let list;',
          `const unpack = () => require('node:zlib').brotliDecompressSync(Buffer.from(${JSON.stringify(packed)}, 'base64')).toString().split('\\n');`,
          "Object.defineProperty(exports, 'default', { enumerable: true, get: () => (list ??= unpack()) });",
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

// Lambda hands the function its role's credentials in the environment: the SDK's default chain
// (and the STS/SSO clients it carries) is dead weight there. See lib/aws/env-credentials.ts.
/** @type {import('esbuild').Plugin} */
const environmentCredentials = {
  name: 'environment-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: join(__dirname, 'lib', 'aws', 'env-credentials.ts'),
    }));
  },
};

// The X-Ray SDK that tracing loads (lib/observability/tracer.ts) patches AWS SDK v2 clients with a
// module that pulls in all of semver (about 30 KiB). This service uses SDK v3, captured by another
// of its patchers; the v2 one is left out and says so if anything ever calls it.
/** @type {import('esbuild').Plugin} */
const xrayWithoutSdkV2 = {
  name: 'xray-without-sdk-v2',
  setup(build) {
    build.onLoad({ filter: /aws-xray-sdk-core[\\/]dist[\\/]lib[\\/]patchers[\\/]aws_p\.js$/ }, () => ({
      contents:
        "const v2 = () => { throw new Error('AWS SDK v2 capture is not bundled'); };\nmodule.exports = { captureAWS: v2, captureAWSClient: v2 };",
      loader: 'js',
    }));
  },
};

// The X-Ray SDK records chosen request parameters of AWS calls from a list covering six services;
// the only client this service traces is DynamoDB's (lib/observability/tracer.ts), so its entry
// alone ships: 10 KiB less in every bundle, the same subsegments.
/** @type {import('esbuild').Plugin} */
const xrayWhitelistDynamoDbOnly = {
  name: 'xray-whitelist-dynamodb-only',
  setup(build) {
    build.onLoad({ filter: /aws-xray-sdk-core[\\/]dist[\\/]lib[\\/]resources[\\/]aws_whitelist\.json$/ }, (args) => {
      const { services } = JSON.parse(readFileSync(args.path, 'utf8'));
      return { contents: JSON.stringify({ services: { dynamodb: services.dynamodb } }), loader: 'json' };
    });
  },
};

// @middy/core imports `node:stream/web` for streamed responses, which these functions never send
// (it checks `instanceof ReadableStream` only then). Loading Node's web streams costs about 2 ms
// at init; here they load on first use of one of its names, as the same values.
/** @type {import('esbuild').Plugin} */
const middyWebStreamsOnUse = {
  name: 'middy-web-streams-on-use',
  setup(build) {
    build.onResolve({ filter: /^node:stream\/web$/ }, (args) =>
      /[\\/]@middy[\\/]core[\\/]/.test(args.importer) ? { path: 'node:stream/web', namespace: 'on-use' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'on-use' }, (args) => ({
      // CommonJS getters, one per export of the module: esbuild's interop forwards each to its getter.
      contents: [
        'let loaded;',
        `for (const name of ${JSON.stringify(Object.keys(require(args.path)))}) {`,
        `  Object.defineProperty(exports, name, { enumerable: true, get: () => (loaded ??= require(${JSON.stringify(args.path)}))[name] });`,
        '}',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// Tracing (lib/observability/tracer.ts) loads Powertools Tracer and the X-Ray SDK, about 80 KiB,
// only where the stage traces and only after init (lib/observability/xray.ts). Inside a function's
// bundle they would still be parsed at every cold start, traced or not (about 3 ms). So they are a
// file of their own, `xray.js`, written beside each bundle that imports them (one file for all the
// functions of an output folder: the same code), and the bundle requires it when tracing starts.
const XRAY_ENTRY = join(__dirname, 'lib', 'observability', 'xray.ts');
const XRAY_FILE = 'xray.js';
/** @type {import('esbuild').Plugin} */
const xrayFileOfItsOwn = {
  name: 'xray-file-of-its-own',
  setup(build) {
    let imported = false;
    build.onResolve({ filter: /[\\/]xray$/ }, (args) => {
      if (`${resolve(args.resolveDir, args.path)}.ts` !== XRAY_ENTRY) return undefined;
      imported = true;
      return { path: `./${XRAY_FILE}`, external: true };
    });
    build.onEnd(async (result) => {
      const { outdir, outfile, write, plugins = [] } = build.initialOptions;
      if (!imported || result.errors.length > 0 || write === false) return;
      const dir = outdir ?? dirname(String(outfile));
      const built = await build.esbuild.build({
        ...build.initialOptions,
        plugins: plugins.filter((plugin) => plugin !== xrayFileOfItsOwn),
        entryPoints: [XRAY_ENTRY],
        outdir: undefined,
        outfile: join(dir, XRAY_FILE),
        metafile: false,
        write: false,
      });
      // Builds of several functions into one folder run at once (serverless-esbuild): each writes
      // the same bytes, through a rename, so none ever reads a half-written file.
      mkdirSync(dir, { recursive: true });
      for (const file of built.outputFiles) {
        const partial = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.${Math.random().toString(36).slice(2)}`);
        writeFileSync(partial, file.contents);
        renameSync(partial, file.path);
      }
    });
  },
};

// The hosted account pages (pages/, README "Hosted pages") run in the browser: the function that
// serves them imports their script as `browser-bundle:<path>`, which is that TypeScript bundled
// here for browsers (one file, the typed client in it, nothing fetched from elsewhere) and handed
// to the function's bundle as text. Built with the function, so what is served is what was tested.
/** @type {import('esbuild').Plugin} */
const browserBundle = {
  name: 'browser-bundle',
  setup(build) {
    build.onResolve({ filter: /^browser-bundle:/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.slice('browser-bundle:'.length)),
      namespace: 'browser-bundle',
    }));
    build.onLoad({ filter: /.*/, namespace: 'browser-bundle' }, async (args) => {
      const built = await build.esbuild.build({
        entryPoints: [args.path],
        bundle: true,
        minify: true,
        format: 'iife',
        platform: 'browser',
        target: ['chrome100', 'firefox100', 'safari15'],
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const [file] = built.outputFiles;
      if (!file) throw new Error(`browser-bundle: esbuild wrote nothing for ${args.path}`);
      return { contents: file.text, loader: 'text', watchFiles: Object.keys(built.metafile.inputs).map((input) => resolve(input)) };
    });
  },
};

/** Options esbuild itself understands. @type {import('esbuild').BuildOptions} */
const esbuildOptions = {
  bundle: true,
  minify: true,
  target: 'node22',
  platform: 'node',
  format: 'cjs',
  // Prefer packages' ES modules: they tree-shake, their CommonJS builds do not.
  mainFields: ['module', 'main'],
  // What a bundle imports at run time (`./xray.js`, Node's own modules) it requires: a CommonJS
  // bundle's import() would start Node's ES module loader for it.
  supported: { 'dynamic-import': false },
  plugins: [
    trimCommonPasswords,
    environmentCredentials,
    xrayWithoutSdkV2,
    xrayWhitelistDynamoDbOnly,
    middyWebStreamsOnUse,
    xrayFileOfItsOwn,
    browserBundle,
  ],
};

/**
 * The folder serverless-esbuild bundles in, and deletes once it has packaged. One per stage, so
 * that `serverless package --stage prod` neither deletes the bundles a running `npm start` (stage
 * local) serves nor zips them up with its own. Under `.esbuild/` (git-ignored), or under
 * ESBUILD_WORK_FOLDER, which keeps concurrent CLI runs (tests) out of each other's way.
 * @param {{ getProvider(name: 'aws'): { getStage(): string } }} serverless
 */
const workFolder = (serverless) => join(process.env.ESBUILD_WORK_FOLDER || '.esbuild', serverless.getProvider('aws').getStage());

/** serverless-esbuild's options (serverless.yml custom.esbuild.config). */
module.exports = (serverless) => ({
  ...esbuildOptions,
  // Shipped beside the bundle for reading stack traces, not loaded at run time: with
  // --enable-source-maps, parsing the map added about 45 ms (+28%) to the register module's load.
  sourcemap: 'linked',
  // Bundle the AWS SDK too: pinned versions, tree-shaken, no dependency on the runtime's copy.
  exclude: [],
  packager: 'npm',
  outputWorkFolder: workFolder(serverless),
});
module.exports.esbuildOptions = esbuildOptions;
module.exports.XRAY_FILE = XRAY_FILE;
