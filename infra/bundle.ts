// Bundles each Lambda entry point (functions/<name>.ts) into one self-contained ESM file,
// dist/functions/<name>/index.mjs, which the stack uploads as that function's code asset.
// Synchronous (buildSync) so the CDK app can call it while it constructs the stack.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync, type Metafile } from 'esbuild';

export const functionNames = ['webhook', 'plugins', 'api', 'jobs'] as const;
export type FunctionName = (typeof functionNames)[number];

/** The repository root: entry points and the default output folder are resolved from here, not the cwd. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where bundles go unless told otherwise; dist/ is git-ignored. */
export const defaultOutdir = path.join(repoRoot, 'dist', 'functions');

export interface BundleResult {
  readonly name: FunctionName;
  /** The folder holding only index.mjs: the Lambda code asset. */
  readonly dir: string;
  /** `<dir>/index.mjs`. */
  readonly outfile: string;
  /** Size of index.mjs in bytes: what Lambda downloads and parses on a cold start. */
  readonly bytes: number;
  /** esbuild's record of which inputs ended up in the bundle, for size analysis. */
  readonly metafile: Metafile;
  /** `<outdir>/<name>.meta.json`, the metafile on disk (https://esbuild.github.io/analyze/ reads it). */
  readonly metafilePath: string;
}

// ESM bundles of CommonJS dependencies call `require` for Node built-ins; an ES module has no
// `require`, so define one. The import is aliased so it cannot clash with a bundled `createRequire`.
const requireShim =
  "import { createRequire as __skiffCreateRequire } from 'node:module';\n" +
  'const require = __skiffCreateRequire(import.meta.url);';

/**
 * Bundles `functions/<name>.ts` into `<outdir>/<name>/index.mjs` (outdir defaults to
 * `dist/functions`) and writes esbuild's metafile beside that folder, not in it, so the
 * uploaded asset is exactly one file. Throws esbuild's error if the build fails.
 * `entryDir` exists for tests, which bundle a fixture instead of the real functions.
 */
export function bundleFunction(
  name: FunctionName,
  outdir: string = defaultOutdir,
  entryDir: string = path.join(repoRoot, 'functions'),
): BundleResult {
  const dir = path.join(outdir, name);
  const outfile = path.join(dir, 'index.mjs');
  // Start from an empty folder: anything left over would be uploaded with the code (and change its hash).
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const result = buildSync({
    absWorkingDir: repoRoot,
    entryPoints: [path.join(entryDir, `${name}.ts`)],
    outfile,
    bundle: true,
    minify: true,
    // Lambda's Node.js runtime loads `.mjs` as an ES module, so `index.handler` resolves to the export.
    format: 'esm',
    // Node built-ins (node:crypto, …) stay as imports instead of being polyfilled.
    platform: 'node',
    // The Lambda runtime is Node.js 22; no need to down-level syntax it already supports.
    target: 'node22',
    // No source maps: they would about double the bytes to upload, and using them needs
    // --enable-source-maps, which makes every Error.stack slower. The price is minified names in
    // stack traces; Powertools' structured logs carry the context instead.
    sourcemap: false,
    // Kept so `bundleAll` can report what each bundle is made of.
    metafile: true,
    // Explicit although `bundle: true` implies it: unused exports of the SDK and Octokit are dropped.
    treeShaking: true,
    // Licence banners of hundreds of dependencies add bytes and nothing at runtime.
    legalComments: 'none',
    // Prefer packages' ES module builds (the AWS SDK v3 ships `dist-es`): they tree-shake far better
    // than the CommonJS `main` that esbuild's node platform would pick first.
    mainFields: ['module', 'main'],
    banner: { js: requireShim },
    // The Node.js Lambda runtime ships AWS SDK v3 (clients and lib-dynamodb), so it stays out of
    // the bundle, as CDK's NodejsFunction does by default: bundled, the S3, SQS, DynamoDB and
    // Secrets Manager clients alone are ~450 KiB per function. We use only long-stable commands.
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });

  const metafilePath = path.join(outdir, `${name}.meta.json`);
  writeFileSync(metafilePath, JSON.stringify(result.metafile));
  return { name, dir, outfile, bytes: statSync(outfile).size, metafile: result.metafile, metafilePath };
}

/** Bundles every function and prints one line per bundle with its size. */
export function bundleAll(outdir: string = defaultOutdir): BundleResult[] {
  const results = functionNames.map((name) => bundleFunction(name, outdir));
  for (const { name, outfile, bytes } of results) {
    console.log(`${name.padEnd(8)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB  ${path.relative(repoRoot, outfile)}`);
  }
  return results;
}
