// `skiff checkconfig` on the Prow-style fixtures and on broken files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkConfig, checkConfigFiles } from '../../shared/cli/check-config.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url));
const temp = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'skiff-check-')), 'plugins.yaml');
  writeFileSync(path, text);
  return path;
};

describe('skiff checkconfig', () => {
  it('accepts a real Prow plugins.yaml + config.yaml pair, listing what is active and each key it ignores', async () => {
    const result = await checkConfigFiles([fixture('plugins.yaml'), fixture('config.yaml')]);
    expect(result.ok).toBe(true);
    expect(result.lines[0]).toMatch(/: valid, 2 files, 10 warnings$/);
    expect(result.lines).toContain('  kubernetes-sigs/kind: hold, size');
    expect(result.lines[1]).toBe('jobs: 1 presubmit (1 repository), 1 postsubmit (1 repository), 2 periodics');
    expect(result.lines.filter((l) => / a Prow key Skiff does not implement yet; ignored$/.test(l))).toHaveLength(7);
    // The job config is read; of plank, sinker and in_repo_config, what Skiff leaves out is one line each.
    expect(result.lines).toContain(`warning: ${fixture('config.yaml')}:34:1: sinker: Skiff reads max_prowjob_age; keys it does not implement yet, ignored: resync_period, max_pod_age, terminated_pod_ttl`);
    expect(result.lines).toContain(`warning: ${fixture('plugins.yaml')}:43:1: config_updater: a Prow key Skiff does not implement yet; ignored`);
  });

  it.each([
    { name: 'a typo under --strict', text: 'plugins:\n  org/repo: [hold, size, hodl]\n', strict: true, line: 'plugins.yaml:2:26: plugins["org/repo"][2]: unknown plugin "hodl"; did you mean "hold"?' },
    { name: 'a YAML syntax error', text: 'plugins:\n  org/repo: [hold\n', strict: false, line: 'plugins.yaml:3:1: ' },
    { name: 'size thresholds out of order', text: 'size:\n  s: 50\n  m: 40\n', strict: false, line: 'plugins.yaml:3:6: size.m: size thresholds must increase' },
  ])('rejects $name and says where', async ({ text, strict, line }) => {
    const result = await checkConfigFiles([temp(text)], { strict });
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toContain(line);
  });

  it('reports every invalid job with its file, line, job and key, in Prow\'s words', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'skiff-check-jobs-'));
    writeFileSync(join(dir, 'config.yaml'), 'plank:\n  max_concurrency: 4\n');
    writeFileSync(
      join(dir, 'jobs.yaml'),
      [
        'presubmits:',
        '  acme/widgets:',
        '  - name: unit',
        '    always_run: true',
        '    run_if_changed: ^src/',
        '    spec: {containers: [{image: alpine, command: [make]}]}',
        '  - name: lint',
        "    trigger: '(?m)^/lint$'",
        '    rerun_command: /test lint',
        '    spec: {containers: [{image: alpine, command: [make]}]}',
        'periodics:',
        '- name: nightly',
        '  cron: every night',
        '  spec: {containers: [{image: alpine, command: [make]}]}',
        '',
      ].join('\n'),
    );

    // Act
    const result = await checkConfig({ configPath: join(dir, 'config.yaml'), jobConfigPath: join(dir, 'jobs.yaml') });

    // Assess
    expect(result.ok).toBe(false);
    expect(result.lines.slice(1)).toEqual([
      `error: ${dir}/jobs.yaml:4:17: presubmits["acme/widgets"][0].always_run: job unit is set to always run but also declares run_if_changed targets, which are mutually exclusive`,
      `error: ${dir}/jobs.yaml:9:20: presubmits["acme/widgets"][1].rerun_command: could not set regex: for job lint, rerun command "/test lint" does not match trigger "(?m)^/lint$"`,
      `error: ${dir}/jobs.yaml:13:9: periodics[0].cron: invalid cron string every night in periodic nightly: expected 5 to 6 fields, found 2: [every night]`,
    ]);
  });

  it('a valid job config lists its warnings, a valueFrom naming the job and variable', async () => {
    const path = temp('presubmits:\n  acme/widgets:\n  - name: unit\n    cluster: eks\n    spec:\n      containers:\n      - image: alpine\n        command: [make]\n        env:\n        - name: TOKEN\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n');
    const result = await checkConfigFiles([path]);
    expect(result.ok).toBe(true);
    expect(result.lines).toContain(`warning: ${path}:10:11: presubmits["acme/widgets"][0].spec.containers[0].env[0]: job unit: env TOKEN comes from secretKeyRef (a Kubernetes secret or field), which Skiff cannot read; the variable is left unset`);
    expect(result.lines).toContain('warning: 1 job sets keys Skiff ignores: cluster (1)');
  });

  it('without --strict, a typo is a warning and the config is valid', async () => {
    const result = await checkConfigFiles([temp('plugins:\n  org/repo: [hold, hodl]\n')]);
    expect(result.ok).toBe(true);
    expect(result.lines.at(-1)).toMatch(/^warning: .*plugins\.yaml:2:20: plugins\["org\/repo"\]\[1\]: unknown plugin "hodl"; did you mean "hold"\? Inactive/);
  });

  const bomb = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    .concat([...'bcdefghi'].map((level, i) => `${level}: &${level} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`))
    .join('\n');

  // Whatever is wrong, one line that names the file, and no exception.
  it.each([
    { name: 'a missing file', path: () => '/nonexistent/plugins.yaml', line: /^\/nonexistent\/plugins\.yaml: cannot read: ENOENT/ },
    { name: 'a directory with no config in it', path: () => mkdtempSync(join(tmpdir(), 'skiff-check-dir-')), line: /^\/.*skiff-check-dir-[^:]*: a directory with no \*\.yaml or \*\.yml file below it$/ },
    { name: 'binary garbage', path: () => temp(Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x3a, 0x7b, 0x0a, 0x00, 0x9f]).toString('latin1')), line: /\/plugins\.yaml:\d+:\d+: / },
    { name: 'a YAML bomb', path: () => temp(bomb), line: /\/plugins\.yaml: cannot load: its aliases expand to more than 1,000,000 nodes/ },
  ])('reports $name, naming the file', async ({ path, line }) => {
    // Prepare
    const file = path();

    // Act
    const result = await checkConfigFiles([file]);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toMatch(line);
    expect(result.lines.join('\n')).toContain(file);
  });

  it.each([
    { name: '--config-path naming a directory', options: () => ({ configPath: mkdtempSync(join(tmpdir(), 'skiff-check-dir-')) }), line: /: cannot read: it is a directory$/ },
    { name: '--supplemental-prow-config-dir naming a file', options: () => ({ supplementalProwConfigDirs: [temp('tide: {}\n')] }), line: /plugins\.yaml: cannot read: it is not a directory$/ },
  ])('reports $name', async ({ options, line }) => {
    const result = await checkConfig(options());
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toMatch(line);
  });
});
