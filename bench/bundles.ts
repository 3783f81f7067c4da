// The functions bundled as deployed: esbuild with `esbuildOptions` of esbuild.config.cjs, one bundle
// per function a deployed stage has (infra/functions.cjs), into a temporary folder removed at exit. The metafile says which
// packages the bytes come from.
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { esbuildOptions, XRAY_FILE } from '../esbuild.config.cjs';
import { functionsFor } from '../infra/functions.cjs';

/** The name of bench/sdk-floor.ts's bundle in tables. */
export const SDK_FLOOR = 'DynamoDB client alone';

export interface BundleInfo {
  name: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Bytes of the linked source map, when built with one. */
  mapBytes: number | undefined;
  /** Bytes of the tracing file written beside it (esbuild.config.cjs, required when tracing starts), if any. */
  xrayBytes: number | undefined;
  /** Output bytes by package (`service` for the code of this repository), largest first. */
  packages: Array<{ name: string; bytes: number }>;
}

export interface FunctionEntry {
  /** The function's name, as serverless.yml declares it. */
  name: string;
  /** Its handler module, `functions/<file>.ts`. */
  entry: string;
}

/** The functions a deployed stage bundles (prod: no API docs), in the route table's order. */
export function serverlessFunctions(stage = 'prod'): FunctionEntry[] {
  return Object.entries(functionsFor(stage)).map(([name, declared]) => ({
    name,
    entry: declared.handler.replace(/\.handler$/, '.ts'),
  }));
}

export function packageBytes(metafile: Metafile): Array<{ name: string; bytes: number }> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'service';
      totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

function sizeIfAny(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

export class Bundles {
  readonly dir = mkdtempSync(join(tmpdir(), 'koodrive-bench-bundles-'));
  private readonly built = new Map<string, Promise<BundleInfo>>();
  private readonly onExit = () => this.remove();

  constructor() {
    process.once('exit', this.onExit);
  }

  /** `entry` bundled as `name`; `extra` on top of esbuildOptions (a source map, say). */
  get(name: string, entry: string, extra: BuildOptions = {}): Promise<BundleInfo> {
    let info = this.built.get(name);
    if (!info) {
      info = this.build(name, entry, extra);
      this.built.set(name, info);
    }
    return info;
  }

  /** A handler that returns a constant, bundled the same way: what any function costs at least. */
  helloWorld(): Promise<BundleInfo> {
    const entry = join(this.dir, 'hello-world.ts');
    writeFileSync(entry, 'export const handler = async () => ({ statusCode: 200, body: \'{"code":0,"msg":"Success."}\' });\n');
    return this.get('hello-world', entry);
  }

  /** bench/sdk-floor.ts: the DynamoDB client alone, what every function of this service costs at least. */
  sdkFloor(): Promise<BundleInfo> {
    return this.get(SDK_FLOOR, join(__dirname, 'sdk-floor.ts'));
  }

  private async build(name: string, entry: string, extra: BuildOptions): Promise<BundleInfo> {
    const outdir = join(this.dir, name);
    mkdirSync(outdir, { recursive: true });
    const file = join(outdir, 'index.js');
    const result = await build({ ...esbuildOptions, ...extra, entryPoints: [entry], outfile: file, metafile: true, logLevel: 'silent' });
    const code = readFileSync(file);
    return {
      name,
      file,
      bytes: code.byteLength,
      gzipBytes: gzipSync(code).byteLength,
      mapBytes: sizeIfAny(`${file}.map`),
      xrayBytes: sizeIfAny(join(outdir, XRAY_FILE)),
      packages: packageBytes(result.metafile),
    };
  }

  remove(): void {
    process.removeListener('exit', this.onExit);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
