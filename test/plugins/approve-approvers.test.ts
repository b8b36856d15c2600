// Approvals against the OWNERS of a change (Approvers) and the notification comment (getMessage),
// with the rows and exact messages of Prow's pkg/plugins/approve/approvers/approvers_test.go. Prow's
// CC expectations follow Go's exact random sequence; these rows assert what any seeded shuffle
// must give instead: exactly one person from each group of interchangeable approvers, the same
// assignees Prow keeps, and the same answer for the same seed.
import { describe, expect, it } from 'vitest';
import { fakeRepoOwners } from '../fakes/fake-repo-owners.js';
import { Owners } from '../../shared/plugins/approve/owners.js';
import {
  ApprovedFile,
  approvalLink,
  Approvers,
  getMessage,
  gubernatorMetadata,
  notification,
  UnapprovedFile,
} from '../../shared/plugins/approve/approvers.js';

const rootApprovers = ['Alice', 'Bob'];
const aApprovers = ['Art', 'Anne'];
const bApprovers = ['Bill', 'Ben', 'Barbara'];
const cApprovers = ['Chris', 'Carol'];
const dApprovers = ['David', 'Dan', 'Debbie'];
const eApprovers = ['Eve', 'Erin'];
const edcApprovers = [...eApprovers, ...dApprovers, ...cApprovers];
const fullRepo: Record<string, readonly string[]> = {
  '': rootApprovers,
  a: aApprovers,
  b: bApprovers,
  c: cApprovers,
  'a/d': dApprovers,
  'a/combo': edcApprovers,
};

const lower = (logins: readonly string[]) => logins.map((l) => l.toLowerCase());

function approversFor(filenames: string[], approved: readonly string[] = [], seed = 0, repo = fullRepo) {
  const ap = new Approvers(new Owners(filenames, fakeRepoOwners(repo), seed));
  for (const login of approved) ap.addApprover(login, 'REFERENCE', false);
  return ap;
}

describe('Approvers.unapprovedFiles', () => {
  const cases: { name: string; filenames: string[]; approved: string[]; expected: string[] }[] = [
    { name: 'Empty PR', filenames: [], approved: [], expected: [] },
    { name: 'Single Root File PR Approved', filenames: ['kubernetes.go'], approved: ['Alice'], expected: [] },
    { name: 'Single Root File PR No One Approved', filenames: ['kubernetes.go'], approved: [], expected: [''] },
    { name: 'B Only UnApproved (no files)', filenames: [], approved: bApprovers, expected: [] },
    { name: 'B Files Approved at Root', filenames: ['b/test.go', 'b/test_1.go'], approved: rootApprovers, expected: [] },
    { name: 'B Only UnApproved', filenames: ['b/test_1.go', 'b/test.go'], approved: [], expected: ['b'] },
    { name: 'Combo and Other; Neither Approved', filenames: ['a/combo/test.go', 'a/d/test.go'], approved: [], expected: ['a/combo', 'a/d'] },
    {
      name: 'Combo and Other; Combo Approved',
      filenames: ['a/combo/test.go', 'a/d/test.go'],
      approved: edcApprovers.filter((l) => !dApprovers.includes(l)),
      expected: ['a/d'],
    },
    { name: 'Combo and Other; Both Approved', filenames: ['a/combo/test.go', 'a/d/test.go'], approved: dApprovers, expected: [] },
    { name: 'Approval in another case', filenames: ['b/test.go'], approved: ['BILL'], expected: [] },
  ];
  it.each(cases)('$name', ({ filenames, approved, expected }) => {
    // Prepare
    const ap = approversFor(filenames, approved);
    // Act
    const got = ap.unapprovedFiles();
    // Assess
    expect([...got].sort()).toEqual(expected);
  });
});

describe('Approvers.getFiles', () => {
  const base = 'https://github.com/org/repo';
  const cases: { name: string; filenames: string[]; approved: string[]; expected: { approved: boolean; filepath: string; approvers: string[] }[] }[] = [
    { name: 'Empty PR', filenames: [], approved: [], expected: [] },
    {
      name: 'Single Root File PR Approved',
      filenames: ['kubernetes.go'],
      approved: ['Alice'],
      expected: [{ approved: true, filepath: '', approvers: ['Alice'] }],
    },
    { name: 'Single File PR in B No One Approved', filenames: ['b/test.go'], approved: [], expected: [{ approved: false, filepath: 'b', approvers: [] }] },
    {
      name: 'Single File PR in B Fully Approved',
      filenames: ['b/test.go'],
      approved: bApprovers,
      expected: [{ approved: true, filepath: 'b', approvers: bApprovers }],
    },
    { name: 'Single Root File PR No One Approved', filenames: ['kubernetes.go'], approved: [], expected: [{ approved: false, filepath: '', approvers: [] }] },
    {
      name: 'Combo and Other; Neither Approved',
      filenames: ['a/combo/test.go', 'a/d/test.go'],
      approved: [],
      expected: [
        { approved: false, filepath: 'a/combo', approvers: [] },
        { approved: false, filepath: 'a/d', approvers: [] },
      ],
    },
    {
      name: 'Combo and Other; Combo Approved',
      filenames: ['a/combo/test.go', 'a/d/test.go'],
      approved: eApprovers,
      expected: [
        { approved: true, filepath: 'a/combo', approvers: eApprovers },
        { approved: false, filepath: 'a/d', approvers: [] },
      ],
    },
    {
      name: 'Combo and Other; Both Approved',
      filenames: ['a/combo/test.go', 'a/d/test.go'],
      approved: dApprovers,
      expected: [
        { approved: true, filepath: 'a/combo', approvers: dApprovers },
        { approved: true, filepath: 'a/d', approvers: dApprovers },
      ],
    },
    {
      name: 'Combo, C, D; Combo and C Approved',
      filenames: ['a/combo/test.go', 'a/d/test.go', 'c/test'],
      approved: cApprovers,
      expected: [
        { approved: true, filepath: 'a/combo', approvers: cApprovers },
        { approved: false, filepath: 'a/d', approvers: [] },
        { approved: true, filepath: 'c', approvers: cApprovers },
      ],
    },
    {
      name: 'Files Approved Multiple times',
      filenames: ['a/test.go', 'a/d/test.go', 'b/test'],
      approved: [...rootApprovers, ...aApprovers, ...bApprovers],
      expected: [
        { approved: true, filepath: 'a', approvers: [...rootApprovers, ...aApprovers] },
        { approved: true, filepath: 'b', approvers: [...rootApprovers, ...bApprovers] },
      ],
    },
  ];
  it.each(cases)('$name', ({ filenames, approved, expected }) => {
    // Prepare
    const ap = approversFor(filenames, approved);
    // Act
    const files = ap.getFiles(base, 'master');
    // Assess
    expect(
      files.map((f) => ({ approved: f.approved, filepath: f.filepath, approvers: [...f.approvers].sort(), owners: f.ownersFilename, base: f.baseURL, branch: f.branch })),
    ).toEqual(expected.map((e) => ({ ...e, approvers: [...e.approvers].sort(), owners: 'OWNERS', base, branch: 'master' })));
    for (const f of files) expect(f).toBeInstanceOf(f.approved ? ApprovedFile : UnapprovedFile);
  });
});

describe('File lines', () => {
  const base = 'https://github.com/org/repo';
  const cases = [
    { name: 'approved root', file: new ApprovedFile(base, '', 'OWNERS', new Set(['Bob', 'Alice']), 'main'), want: '- ~~[OWNERS](https://github.com/org/repo/blob/main/OWNERS)~~ [Alice,Bob]\n' },
    { name: 'unapproved directory', file: new UnapprovedFile(base, 'a/b', 'OWNERS', new Set(), 'main'), want: '- **[a/b/OWNERS](https://github.com/org/repo/blob/main/a/b/OWNERS)**\n' },
    {
      name: 'unapproved, partly approved',
      file: new UnapprovedFile(base, 'a', 'OWNERS', new Set(['Art']), 'dev'),
      want: '- **[a/OWNERS](https://github.com/org/repo/blob/dev/a/OWNERS)** [Art]\n  > Need more approvers for rest parts.\n',
    },
    { name: 'a .md file is linked itself', file: new UnapprovedFile(base, 'b/README.md', 'OWNERS', new Set(), 'main'), want: '- **[b/README.md](https://github.com/org/repo/blob/main/b/README.md)**\n' },
    { name: 'another OWNERS file name', file: new ApprovedFile(base, 'x', 'CODE_OWNERS', new Set(['Xi']), 'main'), want: '- ~~[x/CODE_OWNERS](https://github.com/org/repo/blob/main/x/CODE_OWNERS)~~ [Xi]\n' },
  ];
  it.each(cases)('$name', ({ file, want }) => {
    expect(String(file)).toBe(want);
  });
});

describe('Approvers.getCCs', () => {
  // prowCCs: Prow's pick with Go's generator (only its length is compared); groups: the CCs must be
  // exactly one login from each; assigned: Prow's AssignedCCs, which do not depend on the shuffle.
  const cases: { name: string; filenames: string[]; approved: string[]; seed: number; assignees?: string[]; prowCCs: string[]; groups: string[][]; assigned: string[] }[] = [
    { name: 'Empty PR', filenames: [], approved: [], seed: 0, prowCCs: [], groups: [], assigned: [] },
    { name: 'Single Root FFile PR Approved', filenames: ['kubernetes.go'], approved: ['Alice'], seed: 13, prowCCs: [], groups: [], assigned: [] },
    { name: 'Single Root File PR Unapproved Seed = 13', filenames: ['kubernetes.go'], approved: [], seed: 13, prowCCs: ['alice'], groups: [rootApprovers], assigned: [] },
    { name: 'Single Root File PR No One Seed = 10', filenames: ['kubernetes.go'], approved: [], seed: 10, prowCCs: ['bob'], groups: [rootApprovers], assigned: [] },
    { name: 'Combo and Other; Neither Approved', filenames: ['a/combo/test.go', 'a/d/test.go'], approved: [], seed: 0, prowCCs: ['dan'], groups: [dApprovers], assigned: [] },
    { name: 'Combo and Other; Combo Approved', filenames: ['a/combo/test.go', 'a/d/test.go'], approved: eApprovers, seed: 0, prowCCs: ['dan'], groups: [dApprovers], assigned: [] },
    { name: 'Combo and Other; Both Approved', filenames: ['a/combo/test.go', 'a/d/test.go'], approved: dApprovers, seed: 0, prowCCs: [], groups: [], assigned: [] },
    {
      name: 'Combo, C, D; None Approved',
      filenames: ['a/combo/test.go', 'a/d/test.go', 'c/test'],
      approved: [],
      seed: 0,
      prowCCs: ['chris', 'debbie'],
      groups: [cApprovers, dApprovers],
      assigned: [],
    },
    {
      name: 'A, B, C; Nothing Approved',
      filenames: ['a/test.go', 'b/test.go', 'c/test'],
      approved: [],
      seed: 0,
      prowCCs: ['anne', 'bill', 'carol'],
      groups: [aApprovers, bApprovers, cApprovers],
      assigned: [],
    },
    {
      name: 'A, B, C; Partially approved by non-suggested approvers',
      filenames: ['a/test.go', 'b/test.go', 'c/test'],
      approved: ['Art', 'Ben'],
      seed: 0,
      prowCCs: ['carol'],
      groups: [cApprovers],
      assigned: [],
    },
    {
      name: 'A, B, C; Nothing approved, but assignees can approve',
      filenames: ['a/test.go', 'b/test.go', 'c/test'],
      approved: [],
      seed: 0,
      assignees: ['Art', 'Ben'],
      prowCCs: ['art', 'ben', 'carol'],
      groups: [['art'], ['ben'], cApprovers],
      assigned: ['art', 'ben'],
    },
    {
      name: 'A, B, C; Nothing approved, but SOME assignees can approve',
      filenames: ['a/test.go', 'b/test.go', 'c/test'],
      approved: [],
      seed: 0,
      assignees: ['Art', 'Ben', 'John', 'Jack'],
      prowCCs: ['art', 'ben', 'carol'],
      groups: [['art'], ['ben'], cApprovers],
      assigned: ['art', 'ben'],
    },
    {
      name: 'Assignee is top OWNER, No one has approved',
      filenames: ['a/test.go'],
      approved: [],
      seed: 0,
      assignees: ['alice'],
      prowCCs: ['alice'],
      groups: [['alice']],
      assigned: ['alice'],
    },
  ];
  it.each(cases)('$name', ({ filenames, approved, seed, assignees, prowCCs, groups, assigned }) => {
    // Prepare
    const build = () => {
      const ap = approversFor(filenames, approved, seed);
      ap.addAssignees(...(assignees ?? []));
      return ap;
    };
    const ap = build();
    // Act
    const ccs = ap.getCCs();
    // Assess
    expect(ccs).toHaveLength(prowCCs.length);
    expect(ccs).toEqual([...ccs].sort());
    for (const group of groups) expect(ccs.filter((cc) => lower(group).includes(cc)), `one of ${group}`).toHaveLength(1);
    expect(ap.assignedCCs()).toEqual(assigned);
    expect(ap.suggestedCCs()).toEqual(ccs.filter((cc) => !assigned.includes(cc)));
    expect(build().getCCs()).toEqual(ccs);
    // Asking them all would approve the change.
    if (filenames.length > 0) expect(ap.owners.areFilesApprovedBy([...approved, ...ccs])).toBe(true);
  });
});

describe('Approvers.isApproved', () => {
  const repo = { ...fullRepo, d: [] };
  const cases: { name: string; filenames: string[]; auto?: Record<string, boolean>; approved: string[]; seed: number; isApproved: boolean }[] = [
    { name: 'Empty PR', filenames: [], approved: [], seed: 0, isApproved: false },
    { name: 'Single Root File PR Approved', filenames: ['kubernetes.go'], approved: ['Alice'], seed: 3, isApproved: true },
    { name: 'Single Root File PR No One Approved', filenames: ['kubernetes.go'], approved: [], seed: 0, isApproved: false },
    { name: 'Combo and Other; Neither Approved', filenames: ['a/combo/test.go', 'a/d/test.go'], approved: [], seed: 0, isApproved: false },
    { name: 'Combo and Other; Both Approved', filenames: ['a/combo/test.go', 'a/d/test.go'], approved: dApprovers, seed: 0, isApproved: true },
    { name: 'A, B, C; Nothing Approved', filenames: ['a/test.go', 'b/test.go', 'c/test'], approved: [], seed: 0, isApproved: false },
    { name: 'A, B, C; Partially Approved', filenames: ['a/test.go', 'b/test.go', 'c/test'], approved: [...aApprovers, ...bApprovers], seed: 0, isApproved: false },
    { name: 'A, B, C; Approved At the Root', filenames: ['a/test.go', 'b/test.go', 'c/test'], approved: rootApprovers, seed: 0, isApproved: true },
    { name: 'A, B, C; Approved At the Leaves', filenames: ['a/test.go', 'b/test.go', 'c/test'], approved: ['Anne', 'Ben', 'Carol'], seed: 0, isApproved: true },
    { name: 'File in folder with AutoApproveUnownedSubfolders does not get approved', filenames: ['a/test.go'], auto: { a: true }, approved: [], seed: 0, isApproved: false },
    { name: 'Subfolder in folder with AutoApproveUnownedSubfolders gets approved', filenames: ['a/new-folder/test.go'], auto: { a: true }, approved: [], seed: 0, isApproved: true },
    {
      name: 'Subfolder in folder with AutoApproveUnownedSubfolders whose ownersfile has no approvers gets approved',
      filenames: ['d/new-folder/test.go'],
      auto: { d: true },
      approved: [],
      seed: 0,
      isApproved: true,
    },
    {
      name: 'Subfolder in folder with AutoApproveUnownedSubfolders and other unapproved file does not get approved',
      filenames: ['b/unapproved.go', 'a/new-folder/test.go'],
      auto: { a: true },
      approved: [],
      seed: 0,
      isApproved: false,
    },
    {
      name: 'Subfolder in folder with AutoApproveUnownedSubfolders and approved file, approved',
      filenames: ['b/approved.go', 'a/new-folder/test.go'],
      auto: { a: true },
      approved: ['Barbara'],
      seed: 0,
      isApproved: true,
    },
    {
      name: 'Nested subfolder in folder with AutoApproveUnownedSubfolders gets approved',
      filenames: ['a/new-folder/child/grandchild/test.go'],
      auto: { a: true },
      approved: [],
      seed: 0,
      isApproved: true,
    },
    {
      name: 'Change in folder with Owners whose parent has AutoApproveUnownedSubfolders does not get approved',
      filenames: ['a/d/new-file.go'],
      auto: { a: true },
      approved: [],
      seed: 0,
      isApproved: false,
    },
  ];
  it.each(cases)('$name', ({ filenames, auto, approved, seed, isApproved }) => {
    // Prepare
    const ap = new Approvers(new Owners(filenames, fakeRepoOwners(repo, { autoApproveUnownedSubfolders: auto }), seed));
    for (const login of approved) ap.addApprover(login, 'REFERENCE', false);
    // Act
    const got = ap.isApproved();
    // Assess
    expect(got).toBe(isApproved);
  });

  it('is approved when a human added the label, whatever the files say', () => {
    // Prepare
    const ap = approversFor(['a/test.go']);
    ap.manuallyApproved = () => true;
    // Act + Assess
    expect([ap.requirementsMet(), ap.isApproved()]).toEqual([false, true]);
  });
});

describe('Approvers.isApproved with an issue required', () => {
  const repo = { a: ['Author', 'Anne', 'Carl'], b: ['Bill', 'Carl'] };
  // approved: login -> whether the approval was `no-issue`.
  const cases: { name: string; filenames: string[]; approved: Record<string, boolean>; associatedIssue: number; isApproved: boolean }[] = [
    { name: 'Empty PR', filenames: [], approved: {}, associatedIssue: 0, isApproved: false },
    { name: 'Single file missing issue', filenames: ['a/file.go'], approved: { Carl: false }, associatedIssue: 0, isApproved: false },
    { name: 'Single file no-issue', filenames: ['a/file.go'], approved: { Carl: true }, associatedIssue: 0, isApproved: true },
    { name: 'Single file with issue', filenames: ['a/file.go'], approved: { Carl: false }, associatedIssue: 100, isApproved: true },
    { name: 'Two files missing issue', filenames: ['a/file.go', 'b/file2.go'], approved: { Carl: false }, associatedIssue: 0, isApproved: false },
    { name: 'Two files no-issue', filenames: ['a/file.go', 'b/file2.go'], approved: { Carl: true }, associatedIssue: 0, isApproved: true },
    { name: 'Two files two no-issue two approvers', filenames: ['a/file.go', 'b/file2.go'], approved: { Anne: true, Bill: true }, associatedIssue: 0, isApproved: true },
    { name: 'Two files one no-issue two approvers', filenames: ['a/file.go', 'b/file2.go'], approved: { Anne: true, Bill: false }, associatedIssue: 0, isApproved: true },
    { name: 'Two files missing issue two approvers', filenames: ['a/file.go', 'b/file2.go'], approved: { Anne: false, Bill: false }, associatedIssue: 0, isApproved: false },
    { name: 'Self approval (implicit) missing issue', filenames: ['a/file.go'], approved: {}, associatedIssue: 0, isApproved: false },
    { name: 'Self approval (implicit) with issue', filenames: ['a/file.go'], approved: {}, associatedIssue: 10, isApproved: true },
    { name: 'Self approval (explicit) missing issue', filenames: ['a/file.go'], approved: { Author: false }, associatedIssue: 0, isApproved: false },
    { name: 'Self approval (explicit) no-issue', filenames: ['a/file.go'], approved: { Author: true }, associatedIssue: 0, isApproved: true },
    { name: 'Self approval (explicit) missing issue, two files', filenames: ['a/file.go', 'b/file2.go'], approved: { Author: false, Bill: false }, associatedIssue: 0, isApproved: false },
    { name: 'Self approval (explicit) no-issue from author, two files', filenames: ['a/file.go', 'b/file2.go'], approved: { Author: true, Bill: false }, associatedIssue: 0, isApproved: true },
    { name: 'Self approval (explicit) no-issue from friend, two files', filenames: ['a/file.go', 'b/file2.go'], approved: { Author: false, Bill: true }, associatedIssue: 0, isApproved: true },
    { name: 'A no-issue approver who owns none of the files does not count', filenames: ['b/file2.go'], approved: { Anne: true, Bill: false }, associatedIssue: 0, isApproved: false },
  ];
  it.each(cases)('$name', ({ filenames, approved, associatedIssue, isApproved }) => {
    // Prepare
    const ap = new Approvers(new Owners(filenames, fakeRepoOwners(repo), 0));
    ap.requireIssue = true;
    ap.associatedIssue = associatedIssue;
    for (const [login, noIssue] of Object.entries(approved)) ap.addApprover(login, 'REFERENCE', noIssue);
    ap.addAuthorSelfApprover('Author', 'REFERENCE', false);
    // Act
    const got = ap.isApproved();
    // Assess
    expect(got).toBe(isApproved);
  });
});

describe('Approvers.getFilesApprovers', () => {
  const cases: { name: string; filenames: string[]; approvers: string[]; owners: Record<string, string[]>; expected: Record<string, string[]> }[] = [
    { name: 'Empty PR', filenames: [], approvers: [], owners: {}, expected: {} },
    { name: 'No approvers', filenames: ['a/a', 'c'], approvers: [], owners: { '': ['RootOwner'] }, expected: { '': [] } },
    {
      name: 'Approvers approves some',
      filenames: ['a/a', 'c/c'],
      approvers: ['CApprover'],
      owners: { a: ['AApprover'], c: ['CApprover'] },
      expected: { a: [], c: ['CApprover'] },
    },
    {
      name: 'Multiple approvers',
      filenames: ['a/a', 'c/c'],
      approvers: ['RootApprover', 'CApprover'],
      owners: { '': ['RootApprover'], a: ['AApprover'], c: ['CApprover'] },
      expected: { a: ['RootApprover'], c: ['RootApprover', 'CApprover'] },
    },
    { name: 'Case-insensitive approvers', filenames: ['file'], approvers: ['RootApprover'], owners: { '': ['rOOtaPProver'] }, expected: { '': ['RootApprover'] } },
  ];
  it.each(cases)('$name', ({ filenames, approvers, owners, expected }) => {
    // Prepare
    const ap = new Approvers(new Owners(filenames, fakeRepoOwners(owners), 0));
    for (const login of approvers) ap.addApprover(login, 'REFERENCE', false);
    // Act
    const got = ap.getFilesApprovers();
    // Assess
    expect(got).toEqual(new Map(Object.entries(expected).map(([k, v]) => [k, new Set(v)])));
  });
});

describe('Approvers: adding and removing approvals', () => {
  const cases: { name: string; act: (ap: Approvers) => void; expected: { login: string; how: string; reference: string; noIssue: boolean }[] }[] = [
    {
      name: 'a later approval replaces an earlier one',
      act: (ap) => {
        ap.addLGTMer('Alice', 'r1', false);
        ap.addApprover('alice', 'r2', false);
      },
      expected: [{ login: 'alice', how: 'Approved', reference: 'r2', noIssue: false }],
    },
    {
      name: 'a plain approval does not replace a no-issue one',
      act: (ap) => {
        ap.addApprover('Alice', 'r1', true);
        ap.addLGTMer('ALICE', 'r2', false);
      },
      expected: [{ login: 'Alice', how: 'Approved', reference: 'r1', noIssue: true }],
    },
    {
      name: 'a no-issue approval replaces a no-issue one',
      act: (ap) => {
        ap.addApprover('Alice', 'r1', true);
        ap.addAuthorSelfApprover('Alice', 'r2', true);
      },
      expected: [{ login: 'Alice', how: 'Author self-approved', reference: 'r2', noIssue: true }],
    },
    {
      name: 'removal is case-insensitive',
      act: (ap) => {
        ap.addApprover('Bob', 'r1', false);
        ap.addApprover('Alice', 'r2', false);
        ap.removeApprover('BOB');
      },
      expected: [{ login: 'Alice', how: 'Approved', reference: 'r2', noIssue: false }],
    },
    {
      name: 'listed by lower-cased login',
      act: (ap) => {
        ap.addApprover('bob', 'r1', false);
        ap.addApprover('Alice', 'r2', false);
      },
      expected: [
        { login: 'Alice', how: 'Approved', reference: 'r2', noIssue: false },
        { login: 'bob', how: 'Approved', reference: 'r1', noIssue: false },
      ],
    },
  ];
  it.each(cases)('$name', ({ act, expected }) => {
    // Prepare
    const ap = approversFor(['kubernetes.go']);
    // Act
    act(ap);
    // Assess
    expect(ap.listApprovals()).toEqual(expected);
    expect(ap.getCurrentApproversSet()).toEqual(new Set(expected.map((e) => e.login.toLowerCase())));
    expect(ap.getCurrentApproversSetCased()).toEqual(new Set(expected.map((e) => e.login)));
  });

  it('lists only no-issue approvals of people who own a file', () => {
    // Prepare
    const ap = approversFor(['b/x.go']);
    ap.addApprover('Bill', 'r1', true);
    ap.addApprover('Art', 'r2', true);
    ap.addApprover('Ben', 'r3', false);
    // Act + Assess
    expect(ap.listNoIssueApprovals().map((a) => a.login)).toEqual(['Bill']);
    expect(ap.getNoIssueApproversSet()).toEqual(new Set(['bill']));
  });
});

describe('notification pieces', () => {
  const cases = [
    { name: 'approval link', got: () => approvalLink({ login: 'Bill', how: 'LGTM', reference: 'https://x/1', noIssue: false }), want: '*<a href="https://x/1" title="LGTM">Bill</a>*' },
    { name: 'metadata, empty', got: () => gubernatorMetadata([]), want: '\n<!-- META={"approvers":[]} -->' },
    { name: 'metadata escapes as Go does', got: () => gubernatorMetadata(['a<b>&c']), want: '\n<!-- META={"approvers":["a\\u003cb\\u003e\\u0026c"]} -->' },
    { name: 'notification trims', got: () => notification('ApprovalNotifier', '  title ', '\n\nbody\n'), want: '[APPROVALNOTIFIER] title\n\nbody' },
    { name: 'notification with no arguments or context', got: () => notification('x', ' ', ''), want: '[X]' },
  ];
  it.each(cases)('$name', ({ got, want }) => {
    expect(got()).toBe(want);
  });
});

describe('getMessage', () => {
  const commandHelpLink = 'https://go.k8s.io/bot-commands';
  const prProcessLink = 'https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process';
  const footer =
    'Approvers can indicate their approval by writing `/approve` in a comment\n' +
    'Approvers can cancel approval by writing `/approve cancel` in a comment\n' +
    '</details>\n';
  const noIssue = '*No associated issue*. Update pull-request body to add a reference to an issue, or get approval with `/approve no-issue`';
  const commands = 'The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).';
  const process = 'The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)';
  const codeReview = 'For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).';

  const cases: { name: string; filenames: string[]; repo: Record<string, string[]>; setup: (ap: Approvers) => void; linkURL?: string; branch?: string; want: string }[] = [
    {
      name: 'TestGetMessage: one of two approved, issue required',
      filenames: ['a/a.go', 'b/b.go'],
      repo: { a: ['Alice'], b: ['Bill'] },
      setup: (ap) => {
        ap.requireIssue = true;
        ap.addApprover('Bill', 'REFERENCE', false);
      },
      branch: 'dev',
      want: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="REFERENCE" title="Approved">Bill</a>*
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice) for approval. ${codeReview}

${noIssue}

${commands}

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/dev/a/OWNERS)**
- ~~[b/OWNERS](https://github.com/org/repo/blob/dev/b/OWNERS)~~ [Bill]

${footer}<!-- META={"approvers":["alice"]} -->`,
    },
    {
      name: 'TestGetMessage: one of three approved',
      filenames: ['a/a.go', 'b/b.go', 'c/c.go'],
      repo: { a: ['Alice'], b: ['Bill'], c: ['Bob'] },
      setup: (ap) => {
        ap.requireIssue = true;
        ap.addApprover('Bill', 'REFERENCE', false);
      },
      branch: 'dev',
      want: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="REFERENCE" title="Approved">Bill</a>*
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice), [bob](https://github.com/bob) for approval. ${codeReview}

${noIssue}

${commands}

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/dev/a/OWNERS)**
- ~~[b/OWNERS](https://github.com/org/repo/blob/dev/b/OWNERS)~~ [Bill]
- **[c/OWNERS](https://github.com/org/repo/blob/dev/c/OWNERS)**

${footer}<!-- META={"approvers":["alice","bob"]} -->`,
    },
    {
      name: 'TestGetMessageAllApproved: files approved, issue still missing',
      filenames: ['a/a.go', 'b/b.go'],
      repo: { a: ['Alice'], b: ['Bill'] },
      setup: (ap) => {
        ap.requireIssue = true;
        ap.addApprover('Alice', 'REFERENCE', false);
        ap.addLGTMer('Bill', 'REFERENCE', false);
      },
      want: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="REFERENCE" title="Approved">Alice</a>*, *<a href="REFERENCE" title="LGTM">Bill</a>*

${noIssue}

${commands}

${process}

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [Alice]
- ~~[b/OWNERS](https://github.com/org/repo/blob/master/b/OWNERS)~~ [Bill]

${footer}<!-- META={"approvers":[]} -->`,
    },
    {
      name: 'TestGetMessageNotFullyApprovedAndAssigneeIsUsefulApprover',
      filenames: ['a/a.go', 'b/b.go'],
      repo: { a: ['Alice'], b: ['Bill'] },
      setup: (ap) => {
        ap.addAssignees('Bill');
        ap.addApprover('Alice', 'REFERENCE', false);
      },
      want: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="REFERENCE" title="Approved">Alice</a>*
**Once this PR has been reviewed and has the lgtm label**, please ask for approval from [bill](https://github.com/bill). ${codeReview}

${commands}

<details open>
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [Alice]
- **[b/OWNERS](https://github.com/org/repo/blob/master/b/OWNERS)**

${footer}<!-- META={"approvers":["bill"]} -->`,
    },
    {
      name: 'assigned and suggested together (the template branch Prow has no test for)',
      filenames: ['a/a.go', 'b/b.go'],
      repo: { a: ['Alice'], b: ['Bill'] },
      setup: (ap) => ap.addAssignees('Bill'),
      want: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please ask for approval from [bill](https://github.com/bill) and additionally assign [alice](https://github.com/alice) for approval. ${codeReview}

${commands}

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**
- **[b/OWNERS](https://github.com/org/repo/blob/master/b/OWNERS)**

${footer}<!-- META={"approvers":["alice","bill"]} -->`,
    },
    {
      name: 'TestGetMessageNoneApproved: only the author, who owns nothing',
      filenames: ['a/a.go', 'b/b.go'],
      repo: { a: ['Alice'], b: ['Bill'] },
      setup: (ap) => {
        ap.addAuthorSelfApprover('John', 'REFERENCE', false);
        ap.requireIssue = true;
      },
      want: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="REFERENCE" title="Author self-approved">John</a>*
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice), [bill](https://github.com/bill) for approval. ${codeReview}

${noIssue}

${commands}

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**
- **[b/OWNERS](https://github.com/org/repo/blob/master/b/OWNERS)**

${footer}<!-- META={"approvers":["alice","bill"]} -->`,
    },
    {
      name: 'TestGetMessageApprovedIssueAssociated',
      filenames: ['a/a.go', 'b/b.go'],
      repo: { a: ['Alice'], b: ['Bill'] },
      setup: (ap) => {
        ap.requireIssue = true;
        ap.associatedIssue = 12345;
        ap.addAuthorSelfApprover('John', 'REFERENCE', false);
        ap.addApprover('Bill', 'REFERENCE', false);
        ap.addApprover('Alice', 'REFERENCE', false);
      },
      want: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="REFERENCE" title="Approved">Alice</a>*, *<a href="REFERENCE" title="Approved">Bill</a>*, *<a href="REFERENCE" title="Author self-approved">John</a>*

Associated issue: *#12345*

${commands}

${process}

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [Alice]
- ~~[b/OWNERS](https://github.com/org/repo/blob/master/b/OWNERS)~~ [Bill]

${footer}<!-- META={"approvers":[]} -->`,
    },
    {
      name: 'TestGetMessageApprovedNoIssueByPassed',
      filenames: ['a/a.go', 'b/b.md'],
      repo: { a: ['Alice'], b: ['Bill'] },
      setup: (ap) => {
        ap.requireIssue = true;
        ap.addAuthorSelfApprover('John', 'REFERENCE', false);
        ap.addApprover('Bill', 'REFERENCE', true);
        ap.addApprover('Alice', 'REFERENCE', true);
      },
      want: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="REFERENCE" title="Approved">Alice</a>*, *<a href="REFERENCE" title="Approved">Bill</a>*, *<a href="REFERENCE" title="Author self-approved">John</a>*

Associated issue requirement bypassed by: *<a href="REFERENCE" title="Approved">Alice</a>*, *<a href="REFERENCE" title="Approved">Bill</a>*

${commands}

${process}

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [Alice]
- ~~[b/OWNERS](https://github.com/org/repo/blob/master/b/OWNERS)~~ [Bill]

${footer}<!-- META={"approvers":[]} -->`,
    },
    {
      name: 'TestGetMessageMDOwners: an OWNERS filter on a .md file links the file',
      filenames: ['a/a.go', 'b/README.md'],
      repo: { a: ['Alice'], b: ['Bill'], 'b/README.md': ['Doctor'] },
      setup: (ap) => {
        ap.addAuthorSelfApprover('John', 'REFERENCE', false);
        ap.requireIssue = true;
      },
      want: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="REFERENCE" title="Author self-approved">John</a>*
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice), [doctor](https://github.com/doctor) for approval. ${codeReview}

${noIssue}

${commands}

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**
- **[b/README.md](https://github.com/org/repo/blob/master/b/README.md)**

${footer}<!-- META={"approvers":["alice","doctor"]} -->`,
    },
    {
      name: 'TestGetMessageDifferentGitHubLink',
      filenames: ['a/a.go', 'b/README.md'],
      repo: { a: ['Alice'], b: ['Bill'], 'b/README.md': ['Doctor'] },
      setup: (ap) => {
        ap.addAuthorSelfApprover('John', 'REFERENCE', false);
        ap.requireIssue = true;
      },
      linkURL: 'https://github.mycorp.com',
      want: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="REFERENCE" title="Author self-approved">John</a>*
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice), [doctor](https://github.com/doctor) for approval. ${codeReview}

${noIssue}

${commands}

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.mycorp.com/org/repo/blob/master/a/OWNERS)**
- **[b/README.md](https://github.mycorp.com/org/repo/blob/master/b/README.md)**

${footer}<!-- META={"approvers":["alice","doctor"]} -->`,
    },
    {
      // approve_test.go "human added approve": the label bypasses the rules and the suggestions.
      name: 'human added approve',
      filenames: ['a/a.go'],
      repo: { a: ['Alice'] },
      setup: (ap) => {
        ap.manuallyApproved = () => true;
      },
      want: `[APPROVALNOTIFIER] This PR is **APPROVED**

Approval requirements bypassed by manually added approval.

This pull-request has been approved by:

${commands}

${process}

<details >
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**

${footer}<!-- META={"approvers":["alice"]} -->`,
    },
    {
      name: 'human added approve with an issue required and none associated',
      filenames: ['a/a.go'],
      repo: { a: ['Alice'] },
      setup: (ap) => {
        ap.requireIssue = true;
        ap.manuallyApproved = () => true;
      },
      want: `[APPROVALNOTIFIER] This PR is **APPROVED**

Approval requirements bypassed by manually added approval.

This pull-request has been approved by:

*No associated issue*. Requirement bypassed by manually added approval.

${commands}

${process}

<details >
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**

${footer}<!-- META={"approvers":["alice"]} -->`,
    },
  ];
  it.each(cases)('$name', ({ filenames, repo, setup, linkURL, branch, want }) => {
    // Prepare
    const ap = new Approvers(new Owners(filenames, fakeRepoOwners(repo), 0));
    setup(ap);
    // Act
    const got = getMessage(ap, {
      linkURL: linkURL ?? 'https://github.com',
      commandHelpLink,
      prProcessLink,
      org: 'org',
      repo: 'repo',
      branch: branch ?? 'master',
    });
    // Assess
    expect(got).toBe(want);
  });
});
