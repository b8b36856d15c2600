// The OWNERS side of the approvers algorithm (Owners), with the rows of Prow's
// pkg/plugins/approve/approvers/owners_test.go over the fake RepoOwners built the same way. Where
// Prow's expectations follow Go's exact random sequence (TestGetShuffledApprovers), the rows assert
// what holds for any seeded shuffle instead: the same people, and the same order for the same seed.
import { describe, expect, it } from 'vitest';
import { fakeRepoOwners, type FakeRepoOwnersOptions } from '../fakes/fake-repo-owners.js';
import { findMostCoveringApprover, Owners, type SetMap } from '../../shared/plugins/approve/owners.js';
import { goClean, goDir, goJoin } from '../../shared/owners/go-path.js';
import { seededPermutation } from '../../shared/plugins/seeded-random.js';

const rootApprovers = ['Alice', 'Bob'];
const aApprovers = ['Art', 'Anne'];
const bApprovers = ['Bill', 'Ben', 'Barbara'];
const cApprovers = ['Chris', 'Carol'];
const dApprovers = ['David', 'Dan', 'Debbie'];
const eApprovers = ['Eve', 'Erin'];

const lower = (logins: readonly string[]) => logins.map((l) => l.toLowerCase());
const set = (...logins: string[]) => new Set(lower(logins));
const sortedLower = (...groups: (readonly string[])[]) => [...new Set(groups.flatMap(lower))].sort();

const ownersFor = (
  repo: Record<string, readonly string[]>,
  filenames: string[],
  seed = 0,
  options: FakeRepoOwnersOptions = {},
) => new Owners(filenames, fakeRepoOwners(repo, options), seed);

// Prow's two repositories: one with a/d, the other with c and a/combo (e, d and c approvers) too.
const repoWithD = { '': rootApprovers, a: aApprovers, b: bApprovers, 'a/d': dApprovers };
const fullRepo = {
  '': rootApprovers,
  a: aApprovers,
  b: bApprovers,
  c: cApprovers,
  'a/d': dApprovers,
  'a/combo': [...eApprovers, ...dApprovers, ...cApprovers],
};

describe('fakeRepoOwners (Prow TestCreateFakeRepo)', () => {
  const combo = [...eApprovers, ...cApprovers];
  const repo = fakeRepoOwners({ '': rootApprovers, a: aApprovers, b: bApprovers, c: cApprovers, 'a/combo': combo });
  const cases = [
    { name: 'Root Owners', ownersFile: '', leaf: rootApprovers, all: rootApprovers },
    { name: 'A Owners', ownersFile: 'a', leaf: aApprovers, all: [...aApprovers, ...rootApprovers] },
    { name: 'B Owners', ownersFile: 'b', leaf: bApprovers, all: [...bApprovers, ...rootApprovers] },
    { name: 'C Owners', ownersFile: 'c', leaf: cApprovers, all: [...cApprovers, ...rootApprovers] },
    { name: 'Combo Owners', ownersFile: 'a/combo', leaf: combo, all: [...combo, ...aApprovers, ...rootApprovers] },
  ];
  it.each(cases)('$name', ({ ownersFile, leaf, all }) => {
    // Act
    const leafApprovers = repo.leafApprovers(ownersFile);
    const approvers = repo.approvers(ownersFile);
    // Assess
    expect([...leafApprovers].sort()).toEqual(sortedLower(leaf));
    expect([...approvers.all()].sort()).toEqual(sortedLower(all));
    expect([...approvers.layers[0]!].sort()).toEqual(sortedLower(leaf));
  });
});

describe('Owners.getLeafApprovers', () => {
  const cases: { name: string; filenames: string[]; expected: Record<string, string[]> }[] = [
    { name: 'Empty PR', filenames: [], expected: {} },
    { name: 'Single Root File PR', filenames: ['kubernetes.go'], expected: { '': rootApprovers } },
    { name: 'Internal Node File PR', filenames: ['a/test.go'], expected: { a: aApprovers } },
    { name: 'Two Leaf File PR', filenames: ['a/d/test.go', 'b/test.go'], expected: { 'a/d': dApprovers, b: bApprovers } },
    { name: 'Leaf and Parent 2 File PR', filenames: ['a/test.go', 'a/d/test.go'], expected: { a: aApprovers } },
  ];
  it.each(cases)('$name', ({ filenames, expected }) => {
    // Prepare
    const owners = ownersFor(repoWithD, filenames);
    // Act
    const got = owners.getLeafApprovers();
    // Assess
    expect(got).toEqual(new Map(Object.entries(expected).map(([k, v]) => [k, set(...v)])));
  });
});

describe('Owners.getApprovers', () => {
  const cases: { name: string; filenames: string[]; expected: Record<string, string[]> }[] = [
    { name: 'Empty PR', filenames: [], expected: {} },
    { name: 'Internal node: its approvers and the root', filenames: ['a/test.go'], expected: { a: [...aApprovers, ...rootApprovers] } },
    {
      name: 'Leaf and parent: only the parent, with the root',
      filenames: ['a/test.go', 'a/d/test.go'],
      // a/d's entry (its file's approvers) is dropped with a/d, a subdirectory of a.
      expected: { a: [...aApprovers, ...rootApprovers] },
    },
    {
      name: 'Two leaves',
      filenames: ['a/d/test.go', 'b/test.go'],
      expected: { 'a/d': [...dApprovers, ...aApprovers, ...rootApprovers], b: [...bApprovers, ...rootApprovers] },
    },
  ];
  it.each(cases)('$name', ({ filenames, expected }) => {
    // Prepare
    const owners = ownersFor(repoWithD, filenames);
    // Act
    const got = owners.getApprovers();
    // Assess
    expect(got).toEqual(new Map(Object.entries(expected).map(([k, v]) => [k, set(...v)])));
  });
});

describe('Owners.getOwnersSet', () => {
  const cases: { name: string; filenames: string[]; expected: string[]; auto?: Record<string, boolean> }[] = [
    { name: 'Empty PR', filenames: [], expected: [] },
    { name: 'Single Root File PR', filenames: ['kubernetes.go'], expected: [''] },
    { name: 'Multiple Root File PR', filenames: ['test.go', 'kubernetes.go'], expected: [''] },
    { name: 'Internal Node File PR', filenames: ['a/test.go'], expected: ['a'] },
    { name: 'Two Leaf File PR', filenames: ['a/test.go', 'b/test.go'], expected: ['a', 'b'] },
    { name: 'Leaf and Parent 2 File PR', filenames: ['a/test.go', 'a/c/test.go'], expected: ['a'] },
    // auto_approve_unowned_subfolders: a file in a subfolder without OWNERS needs nobody.
    { name: 'Unowned subfolder of an auto-approving directory', filenames: ['a/new/test.go'], expected: [], auto: { a: true } },
    { name: 'File directly in an auto-approving directory', filenames: ['a/test.go'], expected: ['a'], auto: { a: true } },
    { name: 'Owned subfolder of an auto-approving directory', filenames: ['a/d/test.go'], expected: ['a/d'], auto: { a: true } },
    // Prow tests with strings.Contains, and every path contains "": an auto-approving root covers all.
    { name: 'Auto-approving root covers a root file', filenames: ['kubernetes.go', 'b/x.go'], expected: ['b'], auto: { '': true } },
  ];
  it.each(cases)('$name', ({ filenames, expected, auto }) => {
    // Prepare
    const owners = ownersFor(repoWithD, filenames, 0, { autoApproveUnownedSubfolders: auto });
    // Act
    const got = owners.getOwnersSet();
    // Assess
    expect([...got].sort()).toEqual(expected);
  });
});

describe('Owners.getSuggestedApprovers', () => {
  const repo = { '': rootApprovers, a: aApprovers, b: bApprovers, 'a/d': dApprovers, 'a/combo': [...eApprovers, ...dApprovers] };
  const edc = [...eApprovers, ...dApprovers];
  // Each row: the suggestion must include someone from each of these sets.
  const cases: { name: string; filenames: string[]; expectedOwners: string[][] }[] = [
    { name: 'Empty PR', filenames: [], expectedOwners: [] },
    { name: 'Single Root File PR', filenames: ['kubernetes.go'], expectedOwners: [rootApprovers] },
    { name: 'Internal Node File PR', filenames: ['a/test.go'], expectedOwners: [aApprovers] },
    { name: 'Multiple Files Internal Node File PR', filenames: ['a/test.go', 'a/test1.go'], expectedOwners: [aApprovers] },
    { name: 'Two Leaf File PR', filenames: ['a/test.go', 'b/test.go'], expectedOwners: [aApprovers, bApprovers] },
    { name: 'Leaf and Parent 2 File PR', filenames: ['a/test.go', 'a/d/test.go'], expectedOwners: [aApprovers] },
    { name: 'Combo and B', filenames: ['a/combo/test.go', 'b/test.go'], expectedOwners: [edc, bApprovers] },
    { name: 'Lowest Leaf', filenames: ['a/combo/test.go'], expectedOwners: [edc] },
  ];
  it.each(cases)('$name', ({ filenames, expectedOwners }) => {
    for (const seed of [0, 1, 2, 13, 4242]) {
      // Prepare
      const owners = ownersFor(repo, filenames, seed);
      // Act
      const suggested = owners.getSuggestedApprovers(owners.getReverseMap(owners.getLeafApprovers()), owners.getShuffledApprovers());
      // Assess: someone from each set, and no more people than sets (each pick covers a new file).
      for (const group of expectedOwners) expect(lower(group).some((l) => suggested.has(l)), `seed ${seed}: ${group}`).toBe(true);
      expect(suggested.size).toBe(expectedOwners.length);
      expect(owners.areFilesApprovedBy(suggested)).toBe(filenames.length > 0);
    }
  });
});

describe('Owners.getAllPotentialApprovers', () => {
  const cases: { name: string; filenames: string[]; expected: string[] }[] = [
    { name: 'Empty PR', filenames: [], expected: [] },
    { name: 'Single Root File PR', filenames: ['kubernetes.go'], expected: sortedLower(rootApprovers) },
    { name: 'Internal Node File PR', filenames: ['a/test.go'], expected: sortedLower(aApprovers) },
    { name: 'One Leaf One Internal Node File PR', filenames: ['a/test.go', 'b/test.go'], expected: sortedLower(aApprovers, bApprovers) },
    { name: 'Two Leaf Files PR', filenames: ['a/d/test.go', 'c/test.go'], expected: sortedLower(dApprovers, cApprovers) },
    { name: 'Leaf and Parent 2 File PR', filenames: ['a/test.go', 'a/combo/test.go'], expected: sortedLower(aApprovers) },
    { name: 'Two Leaves', filenames: ['a/d/test.go', 'b/test.go'], expected: sortedLower(dApprovers, bApprovers) },
    { name: 'Lowest Leaf', filenames: ['a/combo/test.go'], expected: sortedLower(eApprovers, dApprovers, cApprovers) },
    {
      name: 'Root And Everything Else PR',
      filenames: ['a/combo/test.go', 'b/test.go', 'c/test.go', 'd/test.go'],
      expected: sortedLower(rootApprovers),
    },
  ];
  it.each(cases)('$name', ({ filenames, expected }) => {
    // Prepare
    const logged: string[] = [];
    const owners = new Owners(filenames, fakeRepoOwners(fullRepo), 0, (m) => void logged.push(m));
    // Act
    const all = owners.getAllPotentialApprovers();
    // Assess
    expect(all).toEqual(expected);
    expect(logged).toEqual(expected.length === 0 ? ['No potential approvers exist. Does the repo have OWNERS files?'] : []);
  });
});

describe('findMostCoveringApprover', () => {
  const edc = [...eApprovers, ...dApprovers, ...cApprovers];
  const cases: { name: string; filenames: string[]; unapproved: string[]; expectedMostCovering: string[] }[] = [
    { name: 'Empty PR', filenames: [], unapproved: [], expectedMostCovering: [''] },
    { name: 'Single Root File PR', filenames: ['kubernetes.go'], unapproved: [''], expectedMostCovering: rootApprovers },
    { name: 'Internal Node File PR', filenames: ['a/test.go'], unapproved: ['a'], expectedMostCovering: aApprovers },
    {
      name: 'Combo and Intersecting Leaf PR',
      filenames: ['a/combo/test.go', 'a/d/test.go'],
      unapproved: ['a/combo', 'a/d'],
      expectedMostCovering: dApprovers,
    },
    {
      name: 'Three Leaf PR Only B Approved',
      filenames: ['a/combo/test.go', 'c/test.go', 'b/test.go'],
      unapproved: ['a/combo', 'c/'],
      expectedMostCovering: edc.filter((l) => cApprovers.includes(l)),
    },
    {
      name: 'Three Leaf PR Only B Left Unapproved',
      filenames: ['a/combo/test.go', 'a/d/test.go', 'b/test.go'],
      unapproved: ['b'],
      expectedMostCovering: bApprovers,
    },
    {
      name: 'Leaf and Parent 2 File PR',
      filenames: ['a/test.go', 'a/d/test.go'],
      unapproved: ['a', 'a/d'],
      expectedMostCovering: [...aApprovers, ...dApprovers],
    },
  ];
  it.each(cases)('$name', ({ filenames, unapproved, expectedMostCovering }) => {
    // Prepare
    const owners = ownersFor(fullRepo, filenames);
    // Act
    const best = findMostCoveringApprover(
      owners.getAllPotentialApprovers(),
      undefined,
      owners.getReverseMap(owners.getLeafApprovers()),
      new Set(unapproved),
    );
    // Assess
    expect(lower(expectedMostCovering)).toContain(best);
  });

  it('skips those already chosen, and keeps the first good pick as Prow does', () => {
    // Prepare: x approves {1}, y {1, 2}, z {2, 3, 4}; 1 and 2 are unapproved.
    const reverse: SetMap = new Map([
      ['x', new Set(['1'])],
      ['y', new Set(['1', '2'])],
      ['z', new Set(['2', '3', '4'])],
    ]);
    const unapproved = new Set(['1', '2']);
    // Act
    const first = findMostCoveringApprover(['x', 'y', 'z'], new Set(), reverse, unapproved);
    const withoutY = findMostCoveringApprover(['x', 'y', 'z'], new Set(['y']), reverse, unapproved);
    const zFirst = findMostCoveringApprover(['z', 'y'], new Set(), reverse, unapproved);
    // Assess: y (2 of 2) beats x; without y, z (1 of 2) does not beat x, whose total of 1 is the bar;
    // z first sets the bar at its total of 3, so y's 2 does not replace it.
    expect([first, withoutY, zFirst]).toEqual(['y', 'x', 'z']);
  });
});

describe('Owners.getReverseMap', () => {
  const repo = { '': rootApprovers, a: aApprovers, c: cApprovers, 'a/d': dApprovers, 'a/combo': [...eApprovers, ...dApprovers, ...cApprovers] };
  const cases: { name: string; filenames: string[]; expected: Record<string, string[]> }[] = [
    { name: 'Empty PR', filenames: [], expected: {} },
    { name: 'Single Root File PR', filenames: ['kubernetes.go'], expected: { alice: [''], bob: [''] } },
    {
      name: 'Two Leaf PRs',
      filenames: ['a/combo/test.go', 'a/d/test.go'],
      expected: {
        david: ['a/d', 'a/combo'],
        dan: ['a/d', 'a/combo'],
        debbie: ['a/d', 'a/combo'],
        eve: ['a/combo'],
        erin: ['a/combo'],
        chris: ['a/combo'],
        carol: ['a/combo'],
      },
    },
  ];
  it.each(cases)('$name', ({ filenames, expected }) => {
    // Prepare
    const owners = ownersFor(repo, filenames);
    // Act
    const got = owners.getReverseMap(owners.getLeafApprovers());
    // Assess
    expect(got).toEqual(new Map(Object.entries(expected).map(([k, v]) => [k, new Set(v)])));
  });
});

describe('Owners.getShuffledApprovers', () => {
  // Prow's rows, with the order Go's generator gives; here only the multiset is compared.
  const cases = [
    { name: 'Empty PR', filenames: [], seed: 0, prowOrder: [] },
    { name: 'Single Root File PR Approved', filenames: ['kubernetes.go'], seed: 0, prowOrder: ['bob', 'alice'] },
    {
      name: 'Combo And B PR',
      filenames: ['a/combo/test.go', 'b/test.go'],
      seed: 0,
      prowOrder: ['erin', 'bill', 'carol', 'barbara', 'dan', 'debbie', 'ben', 'david', 'eve', 'chris'],
    },
    {
      name: 'Combo and D, Seed 0',
      filenames: ['a/combo/test.go', 'a/d/test.go'],
      seed: 0,
      prowOrder: ['erin', 'dan', 'dan', 'carol', 'david', 'debbie', 'chris', 'debbie', 'eve', 'david'],
    },
    {
      name: 'Combo and D, Seed 2',
      filenames: ['a/combo/test.go', 'a/d/test.go'],
      seed: 2,
      prowOrder: ['dan', 'carol', 'debbie', 'dan', 'erin', 'chris', 'eve', 'david', 'debbie', 'david'],
    },
  ];
  it.each(cases)('$name', ({ filenames, seed, prowOrder }) => {
    // Prepare
    const owners = ownersFor(fullRepo, filenames, seed);
    // Act
    const first = owners.getShuffledApprovers();
    const again = ownersFor(fullRepo, filenames, seed).getShuffledApprovers();
    // Assess
    expect([...first].sort()).toEqual([...prowOrder].sort());
    expect(again).toEqual(first);
  });

  it('gives different orders for different seeds', () => {
    // Prepare
    const filenames = ['a/combo/test.go', 'b/test.go'];
    // Act
    const orders = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => ownersFor(fullRepo, filenames, seed).getShuffledApprovers().join(',')));
    // Assess
    expect(orders.size).toBeGreaterThan(1);
  });
});

describe('Owners.removeSubdirs', () => {
  const cases: { name: string; directories: string[]; noParentOwners?: Record<string, boolean>; expected: string[] }[] = [
    { name: 'Empty PR', directories: [], expected: [] },
    { name: 'Root and One Level Below PR', directories: ['', 'a/'], expected: [''] },
    { name: 'Two Separate Branches', directories: ['a/', 'c/'], expected: ['a/', 'c/'] },
    { name: 'Lots of Branches and Leaves', directories: ['a', 'a/combo', 'a/d', 'b', 'c'], expected: ['a', 'b', 'c'] },
    { name: 'NoParentOwners', directories: ['a', 'a/combo'], noParentOwners: { 'a/combo': true }, expected: ['a', 'a/combo'] },
    { name: 'NoParentOwners in relative path', directories: ['a', 'a/b/combo'], noParentOwners: { 'a/b': true }, expected: ['a', 'a/b/combo'] },
    { name: 'NoParentOwners with child', directories: ['a', 'a/b', 'a/b/combo'], noParentOwners: { 'a/b': true }, expected: ['a', 'a/b'] },
    { name: 'An absolute path ends the walk instead of spinning', directories: ['/a', 'b'], expected: ['/a', 'b'] },
  ];
  it.each(cases)('$name', ({ directories, noParentOwners, expected }) => {
    // Prepare
    const owners = ownersFor({}, [], 0, { noParentOwners });
    const dirs = new Set(directories);
    // Act
    owners.removeSubdirs(dirs);
    // Assess
    expect([...dirs].sort()).toEqual(expected);
  });
});

describe('Owners.keepCoveringApprovers', () => {
  const cases = [
    { name: 'Nobody known: a full suggestion', known: [], expectedSize: 3 },
    { name: 'A and B covered by the known: only C is kept', known: ['Art', 'BEN'], expectedSize: 1, from: cApprovers },
    { name: 'All covered at the root: nobody kept', known: ['alice'], expectedSize: 0 },
  ];
  it.each(cases)('$name', ({ known, expectedSize, from }) => {
    // Prepare
    const owners = ownersFor(fullRepo, ['a/test.go', 'b/test.go', 'c/test'], 7);
    const reverse = owners.getReverseMap(owners.getLeafApprovers());
    // Act
    const kept = owners.keepCoveringApprovers(reverse, new Set(known), owners.getShuffledApprovers());
    // Assess
    expect(kept.size).toBe(expectedSize);
    for (const login of kept) expect(lower(from ?? [...aApprovers, ...bApprovers, ...cApprovers])).toContain(login);
    expect(owners.areFilesApprovedBy([...known, ...kept])).toBe(true);
  });
});

describe("Go's path functions", () => {
  const cases = [
    { name: 'Dir of a root file', got: () => goDir('kubernetes.go'), want: '.' },
    { name: 'Dir of dot', got: () => goDir('.'), want: '.' },
    { name: 'Dir of a trailing slash', got: () => goDir('a/'), want: 'a' },
    { name: 'Dir of a nested file', got: () => goDir('a/b/c.go'), want: 'a/b' },
    { name: 'Dir of the root', got: () => goDir('/'), want: '/' },
    { name: 'Clean of empty', got: () => goClean(''), want: '.' },
    { name: 'Clean of dots and doubled slashes', got: () => goClean('a//b/./../c/'), want: 'a/c' },
    { name: 'Clean keeps leading ..', got: () => goClean('../a'), want: '../a' },
    { name: 'Join with the root directory', got: () => goJoin('', 'OWNERS'), want: 'OWNERS' },
    { name: 'Join with a directory', got: () => goJoin('a/b', 'OWNERS'), want: 'a/b/OWNERS' },
    { name: 'Join of nothing', got: () => goJoin('', ''), want: '' },
  ];
  it.each(cases)('$name', ({ got, want }) => {
    expect(got()).toBe(want);
  });
});

describe('seededPermutation', () => {
  const cases = [
    { name: 'empty', n: 0, seed: 0 },
    { name: 'one', n: 1, seed: 5 },
    { name: 'ten, seed 0', n: 10, seed: 0 },
    { name: 'ten, a negative seed', n: 10, seed: -3 },
    { name: 'ten, a seed above 32 bits', n: 10, seed: 2 ** 40 + 1 },
  ];
  it.each(cases)('$name', ({ n, seed }) => {
    // Act
    const perm = seededPermutation(n, seed);
    // Assess: a permutation of 0..n-1, the same each time.
    expect([...perm].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
    expect(seededPermutation(n, seed)).toEqual(perm);
  });

  it('separates seeds that differ only above 32 bits', () => {
    expect(seededPermutation(10, 2 ** 40 + 1)).not.toEqual(seededPermutation(10, 1));
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => seededPermutation(3, 1.5)).toThrow('seed must be a safe integer, got 1.5');
  });
});
