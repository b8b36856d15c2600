// Bundle size: each function bundled exactly as the stack deploys it (infra/bundle.ts), into a
// scratch folder so a concurrent `cdk synth` or test writing dist/functions is not disturbed.
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleAll, repoRoot, type BundleResult, type FunctionName } from '../infra/bundle.js';
import type { MetricReport, Row } from './metric.js';
import { kib } from './stats.js';

const targets: Partial<Record<FunctionName, number>> = { webhook: 350 * 1024, plugins: 600 * 1024 };

export interface Bundles {
  results: BundleResult[];
  /** Removes the scratch folder. */
  remove(): void;
}

/**
 * Bundles into `<tmp>/functions/<name>/index.mjs` with `<tmp>/node_modules` linked to the
 * repository's: the AWS SDK stays external, as in Lambda, and Node resolves it from there.
 */
export function buildBundles(): Bundles {
  const scratch = mkdtempSync(path.join(tmpdir(), 'skiff-bench-'));
  try {
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
    const results = bundleAll(path.join(scratch, 'functions'));
    return { results, remove: () => rmSync(scratch, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

/** The largest contributors to a bundle, by package (esbuild's bytesInOutput). */
function topPackages(result: BundleResult, count = 4): string {
  const output = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith(`${result.name}/index.mjs`))?.[1];
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = match?.[1] ?? 'skiff (own code)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage]
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kib(bytes)}`)
    .join(', ');
}

export function reportBundleSizes(bundles: Bundles): MetricReport {
  const rows: Row[] = bundles.results.map(({ name, bytes }) => {
    const target = targets[name];
    return {
      metric: `Bundle size: ${name}`,
      value: kib(bytes),
      ...(target === undefined ? {} : { target: `≤ ${kib(target).replace('.0 ', ' ')}`, pass: bytes <= target }),
    };
  });
  return {
    title: 'Bundle size',
    rows,
    how: [
      '`bundleAll()` from infra/bundle.ts (esbuild: ESM, minified, node22 target, no source maps, `@aws-sdk/*` external because the Lambda Node.js runtime provides it), written to a scratch folder; the size is index.mjs in bytes, 1 KiB = 1024 bytes. Gzip sizes (zlib at its default level) are shown for the upload.',
    ],
    findings: rows.filter((r) => r.pass === false).map((r) => `${r.metric} is ${r.value}, over its target (${r.target}).`),
    details: bundles.results.map(
      (r) => `${r.name}: ${kib(r.bytes)} (gzip ${kib(gzipSync(readFileSync(r.outfile)).length)}); largest parts: ${topPackages(r)}`,
    ),
  };
}
