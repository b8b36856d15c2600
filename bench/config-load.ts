// What loading a real Prow config costs: parse + merge + validate of kubernetes' plugins.yaml and
// config.yaml (the largest public pair, ~100 KB) in-process; `skiff checkconfig` on kubernetes'
// config as a user runs it (a fresh node process, TypeScript through tsx); and the cold-start
// time the config loader adds to the plugins function, from importing it bundled in fresh node
// processes, next to importing only the YAML and schema libraries it builds on.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { parseConfig, ParseCache, type ConfigFile } from '../shared/config/parse.js';
import { plugins } from '../shared/plugins/registry.js';
import type { MetricReport } from './metric.js';
import { kib, ms, summarize } from './stats.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const fixtures = path.join(repoRoot, 'test/fixtures/prow-configs/kubernetes');
const parseRuns = 30;
const warmupRuns = 5;
const checkRuns = 3;
const initRuns = 10;
const parseTargetMs = 150;
const checkTargetMs = 2000;

async function timeParse(files: ConfigFile[]): Promise<{ cold: number[]; cached: number[]; warnings: number }> {
  const cold: number[] = [];
  const cached: number[] = [];
  let warnings = 0;
  for (let i = 0; i < warmupRuns + parseRuns; i++) {
    const cache = new ParseCache();
    let start = performance.now();
    warnings = parseConfig(files, plugins, 'kubernetes', { cache }).warnings.length;
    const first = performance.now() - start;
    // Unchanged files (the ETags answered 304): the cached YAML is reused, validation runs again.
    start = performance.now();
    parseConfig(files, plugins, 'kubernetes', { cache });
    const second = performance.now() - start;
    if (i >= warmupRuns) {
      cold.push(first);
      cached.push(second);
    }
  }
  return { cold, cached, warnings };
}

async function timeCheckconfig(): Promise<number[]> {
  const samples: number[] = [];
  const args = ['bin/skiff.js', 'checkconfig', '--plugin-config', `${fixtures}/plugins.yaml`, '--config-path', `${fixtures}/config.yaml`, '--job-config-path', `${fixtures}/jobs`];
  for (let i = 0; i < checkRuns; i++) {
    const start = performance.now();
    await run(process.execPath, args, { cwd: repoRoot });
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Import time of a bundle in fresh node processes, median of `initRuns`. */
async function timeImport(file: string): Promise<number[]> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const samples: number[] = [];
  for (let i = 0; i < initRuns; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    samples.push(Number(stdout.trim()));
  }
  return samples;
}

async function timeInit(): Promise<{ loader: number[]; libraries: number[]; loaderBytes: number; librariesBytes: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skiff-config-init-'));
  try {
    const entries = {
      // What the plugins function imports for its config: the loader, schema and registry.
      loader: `export { parseConfig } from ${JSON.stringify(path.join(repoRoot, 'shared/config/parse.ts'))};\nexport { ConfigAgent } from ${JSON.stringify(path.join(repoRoot, 'shared/config/agent.ts'))};`,
      // The libraries it builds on, which the loader before Prow configs imported as well.
      libraries: `export { parseDocument } from 'yaml';\nimport * as z from 'zod';\nexport const probe = z.object({ a: z.string() });`,
    };
    const out: Record<string, string> = {};
    for (const [name, contents] of Object.entries(entries)) {
      const source = path.join(dir, `${name}.ts`);
      writeFileSync(source, contents);
      out[name] = path.join(dir, `${name}.mjs`);
      await build({
        entryPoints: [source],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        minify: true,
        mainFields: ['module', 'main'],
        // As infra/bundle.ts does: CommonJS dependencies require() Node's built-ins.
        banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
        outfile: out[name],
        nodePaths: [path.join(repoRoot, 'node_modules')],
        logLevel: 'silent',
      });
    }
    return {
      loader: await timeImport(out.loader!),
      libraries: await timeImport(out.libraries!),
      loaderBytes: statSync(out.loader!).size,
      librariesBytes: statSync(out.libraries!).size,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureConfigLoad(): Promise<MetricReport> {
  const files = await Promise.all(['plugins.yaml', 'config.yaml'].map(async (name) => ({ path: `config/prow/${name}`, text: await readFile(path.join(fixtures, name), 'utf8') })));
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const parse = await timeParse(files);
  const cold = summarize(parse.cold);
  const cached = summarize(parse.cached);
  const check = summarize(await timeCheckconfig());
  const init = await timeInit();
  const loaderInit = summarize(init.loader);
  const librariesInit = summarize(init.libraries);
  const added = loaderInit.p50 - librariesInit.p50;
  const findings: string[] = [];
  if (cold.p50 > parseTargetMs) findings.push(`Parsing and validating kubernetes' config takes ${ms(cold.p50)} (target ≤ ${parseTargetMs} ms).`);
  if (check.p50 >= checkTargetMs) findings.push(`checkconfig on kubernetes' config takes ${ms(check.p50, 0)} (target < ${checkTargetMs} ms).`);
  return {
    title: 'Config load',
    rows: [
      { metric: `Parse + merge + validate kubernetes' plugins.yaml + config.yaml (${kib(bytes)}), p50 of ${parseRuns}`, value: `${ms(cold.p50)} (p90 ${ms(cold.p90)})`, target: `≤ ${parseTargetMs} ms`, pass: cold.p50 <= parseTargetMs },
      { metric: 'The same with both files unchanged (YAML reused from the cache, validation again), p50', value: ms(cached.p50) },
      { metric: `skiff checkconfig on kubernetes' config and jobs (a fresh node + tsx), p50 of ${checkRuns}`, value: `${ms(check.p50, 0)} (max ${ms(check.max, 0)})`, target: `< ${checkTargetMs} ms`, pass: check.p50 < checkTargetMs },
      { metric: `Cold start: importing the config loader, bundled (${kib(init.loaderBytes)}), p50 of ${initRuns}`, value: ms(loaderInit.p50) },
      { metric: `…of which its own code, over yaml + zod alone (${kib(init.librariesBytes)}, ${ms(librariesInit.p50)}), which the loader imported before`, value: ms(added) },
    ],
    how: [
      `Parse: parseConfig on the two files in this process, ${warmupRuns} warm-up runs then ${parseRuns} timed, each with a fresh parse cache; ${parse.warnings} warnings each time (bench/config-load.ts).`,
      `checkconfig: \`node bin/skiff.js checkconfig --plugin-config … --config-path … --job-config-path …\` on test/fixtures/prow-configs/kubernetes, wall time including node's start and tsx's transpiling, as a CI job runs it.`,
      `Cold start: the loader and agent (shared/config) bundled and minified with esbuild as the functions are, imported in ${initRuns} fresh node processes each; the same for a bundle of only yaml and zod, so the difference is what the loader's own code adds at init.`,
    ],
    findings,
  };
}
