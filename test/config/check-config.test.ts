// `skiff checkconfig` on the Prow-style fixtures and on broken files.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkConfigFiles } from '../../shared/cli/check-config.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url));
const temp = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'skiff-check-')), 'plugins.yaml');
  writeFileSync(path, text);
  return path;
};

describe('skiff checkconfig', () => {
  it('accepts a real Prow plugins.yaml + config.yaml pair, listing what is enabled and what is ignored', async () => {
    const result = await checkConfigFiles([fixture('plugins.yaml'), fixture('config.yaml')]);
    expect(result.ok).toBe(true);
    expect(result.lines[0]).toMatch(/: valid$/);
    expect(result.lines.some((l) => l.startsWith('warning: keys Skiff does not implement yet (ignored): '))).toBe(true);
  });

  it.each([
    { name: 'unknown plugin', text: 'plugins:\n  org/repo: [hold, size, hodl]\n', line: 'plugins["org/repo"][2]: unknown plugin "hodl"' },
    { name: 'YAML syntax error', text: 'plugins:\n  org/repo: [hold\n', line: 'plugins.yaml:' },
    { name: 'size thresholds out of order', text: 'size:\n  s: 50\n  m: 40\n', line: 'size.m: size thresholds must increase' },
  ])('rejects $name and says where', async ({ text, line }) => {
    const result = await checkConfigFiles([temp(text)]);
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toContain(line);
  });

  const bomb = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    .concat([...'bcdefghi'].map((level, i) => `${level}: &${level} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`))
    .join('\n');

  // Whatever is wrong, one line that names the file, and no exception.
  it.each([
    { name: 'a missing file', path: () => '/nonexistent/plugins.yaml', line: /^\/nonexistent\/plugins\.yaml: cannot read: ENOENT/ },
    { name: 'a directory', path: () => mkdtempSync(join(tmpdir(), 'skiff-check-dir-')), line: /^\/.*skiff-check-dir-[^:]*: cannot read: it is a directory$/ },
    { name: 'binary garbage', path: () => temp(Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x3a, 0x7b, 0x0a, 0x00, 0x9f]).toString('latin1')), line: /\/plugins\.yaml: / },
    { name: 'a YAML bomb', path: () => temp(bomb), line: /\/plugins\.yaml: cannot load: Excessive alias count/ },
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
});
