// infra/bundle.ts against a fixture entry point, so it runs without the real functions/*.ts.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleFunction, defaultOutdir, functionNames, repoRoot } from '../../infra/bundle.js';

/** A fixture: functions/webhook.ts importing a CommonJS package that requires a Node built-in. */
function fixture(): { entryDir: string; outdir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'skiff-bundle-'));
  const entryDir = path.join(root, 'functions');
  const cjs = path.join(entryDir, 'node_modules', 'cjs-dep');
  mkdirSync(cjs, { recursive: true });
  writeFileSync(path.join(cjs, 'package.json'), JSON.stringify({ name: 'cjs-dep', main: 'index.js' }));
  writeFileSync(path.join(cjs, 'index.js'), "const os = require('node:os');\nmodule.exports = { eol: () => os.EOL };\n");
  writeFileSync(
    path.join(entryDir, 'webhook.ts'),
    [
      "import dep from 'cjs-dep';",
      '/*! keep-me-not: a legal comment, which esbuild keeps unless legalComments is none */',
      'export const handler = async (): Promise<string> => JSON.stringify(dep.eol());',
      '',
    ].join('\n'),
  );
  return { entryDir, outdir: path.join(root, 'dist') };
}

describe('bundleFunction', () => {
  it('names the four functions the stack deploys', () => {
    expect(functionNames).toEqual(['webhook', 'plugins', 'api', 'jobs']);
    expect(defaultOutdir).toBe(path.join(repoRoot, 'dist', 'functions'));
  });

  it('writes one ESM file per function whose CommonJS dependencies can require built-ins', async () => {
    // Prepare
    const { entryDir, outdir } = fixture();
    // Act
    const result = bundleFunction('webhook', outdir, entryDir);
    // Assess: location and size
    expect(result.outfile).toBe(path.join(outdir, 'webhook', 'index.mjs'));
    expect(result.bytes).toBe(readFileSync(result.outfile).length);
    expect(readdirSync(result.dir)).toEqual(['index.mjs']);
    // The metafile sits outside the asset folder, so it is not uploaded to Lambda.
    expect(existsSync(result.metafilePath)).toBe(true);
    expect(Object.keys(result.metafile.inputs).some((input) => input.includes('cjs-dep'))).toBe(true);
    // Without the createRequire banner this import throws "Dynamic require of "node:os" is not supported".
    const mod = (await import(pathToFileURL(result.outfile).href)) as { handler: () => Promise<string> };
    await expect(mod.handler()).resolves.toBe(JSON.stringify('\n'));
  });

  it('minifies, drops legal comments and puts the require shim first', () => {
    const { entryDir, outdir } = fixture();
    const lines = readFileSync(bundleFunction('webhook', outdir, entryDir).outfile, 'utf8').trimEnd().split('\n');
    expect(lines.join('\n')).not.toContain('keep-me-not');
    // Two banner lines, then the whole minified program on one line.
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^const require = \w+\(import\.meta\.url\);$/);
  });

  it('starts from an empty asset folder, so stale files are never uploaded', () => {
    const { entryDir, outdir } = fixture();
    mkdirSync(path.join(outdir, 'webhook'), { recursive: true });
    writeFileSync(path.join(outdir, 'webhook', 'stale.js'), 'old');
    const result = bundleFunction('webhook', outdir, entryDir);
    expect(readdirSync(result.dir)).toEqual(['index.mjs']);
  });
});
