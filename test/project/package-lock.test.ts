// What a fresh clone's `npm install` does with the lock: it must neither rewrite it (a dependency
// classified differently in package.json and the lock) nor warn that a package does not support
// the Node.js version the README promises.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  version?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockPackage> };
const root = lock.packages[''] ?? {};
const oldestNode = semver.minVersion(manifest.engines.node)!;

describe('package-lock.json', () => {
  it('lists the same dependencies and dev dependencies as package.json', () => {
    expect(root.dependencies).toEqual(manifest.dependencies);
    expect(root.devDependencies).toEqual(manifest.devDependencies);
  });

  it.each(Object.keys(manifest.dependencies))('runtime dependency %s is not marked dev', (name) => {
    expect(lock.packages[`node_modules/${name}`]?.dev).toBeUndefined();
  });

  it(`has no package whose engines exclude Node.js ${oldestNode.version} (package.json engines: ${manifest.engines.node})`, () => {
    const excluding = Object.entries(lock.packages)
      .filter(([path, p]) => path && !Array.isArray(p.engines) && p.engines?.node && !semver.satisfies(oldestNode, p.engines.node))
      .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(excluding).toEqual([]);
  });
});
