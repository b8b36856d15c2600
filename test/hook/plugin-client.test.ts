// The layers between a plugin and GitHub (shared/hook/plugin-client.ts), each on its own over a
// MemoryGitHub: what the journal skips and what it does not, what the memo shares and for how
// long, and the one-repository guard on every method of the port.
import { describe, expect, it } from 'vitest';
import { githubMethodNames, githubMethods, type GitHubClient } from '../../shared/github/client.js';
import { confine, journaledClient, journalKey, memoisedClient, ownersAccess } from '../../shared/hook/plugin-client.js';
import { ownersSection } from '../../shared/owners/config.js';
import type { JournaledWrite } from '../../shared/storage/ports.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { MemoryStore } from '../fakes/memory-store.js';

const ref = { owner: 'acme', repo: 'widgets', number: 1 };
const repo = { owner: 'acme', repo: 'widgets' };

async function journalSetup(journal: JournaledWrite[] = []) {
  const gh = new MemoryGitHub();
  const claims = new MemoryStore();
  await claims.claim('d1', 'p', 60_000);
  for (const w of journal) await claims.journal('d1', 'p', w);
  const writes: string[] = [];
  const client = journaledClient(gh, { claims, delivery: 'd1', plugin: 'p', journal, writes, prefix: '' });
  return { gh, claims, writes, client };
}

describe('journaledClient', () => {
  it('journals each write with what it returned, in order', async () => {
    // Prepare
    const { claims, client } = await journalSetup();

    // Act
    const id = await client.createComment(ref, 'hello');
    await client.addLabel(ref, 'lgtm');

    // Assess
    expect(await claims.journaled('d1', 'p')).toEqual([
      { n: 0, call: 'createComment acme/widgets#1 hello', result: id },
      { n: 1, call: 'addLabel acme/widgets#1 lgtm' },
    ]);
  });

  it('a journaled write is skipped and answers what it answered then; a different write is sent', async () => {
    // Prepare
    const { gh, writes, client } = await journalSetup([{ n: 0, call: 'createComment acme/widgets#1 hello', result: 4242 }]);

    // Act
    const same = await client.createComment(ref, 'hello');
    const other = await client.createComment(ref, 'hello again');

    // Assess
    expect(same).toBe(4242);
    expect(other).not.toBe(4242);
    expect(gh.writes).toEqual(['createComment acme/widgets#1 hello again']);
    expect(writes).toEqual(['createComment acme/widgets#1 hello (done on an earlier attempt)', 'createComment acme/widgets#1 hello again']);
  });

  it('matches by what the write is, not its place: a retry that skips a write still skips the rest it did', async () => {
    // Prepare: the first attempt added a label, then commented; the retry sees the label and only comments.
    const { gh, client } = await journalSetup([
      { n: 0, call: 'addLabel acme/widgets#1 lgtm' },
      { n: 1, call: 'createComment acme/widgets#1 done', result: 7 },
    ]);

    // Act
    await client.createComment(ref, 'done');

    // Assess
    expect(gh.writes).toEqual([]);
  });

  it('one journaled write covers one repeat only: the same comment twice in an attempt is posted again', async () => {
    // Prepare
    const { gh, client } = await journalSetup([{ n: 0, call: 'createComment acme/widgets#1 hi', result: 1 }]);

    // Act
    await client.createComment(ref, 'hi');
    await client.createComment(ref, 'hi');

    // Assess
    expect(gh.writes).toEqual(['createComment acme/widgets#1 hi']);
  });

  it("a label write answers the issue's labels, which are not journaled: skipped on a retry, it answers undefined (not known)", async () => {
    // Prepare: an earlier attempt added lgtm; since then someone added approved.
    const { gh, claims, client } = await journalSetup([{ n: 0, call: 'addLabel acme/widgets#1 lgtm' }]);
    gh.setLabels(ref, ['lgtm', 'approved']);

    // Act
    const skipped = await client.addLabel(ref, 'lgtm');
    const sent = await client.removeLabel(ref, 'approved');

    // Assess
    expect(skipped).toBeUndefined();
    expect(sent).toEqual(['lgtm']);
    expect(gh.writes).toEqual(['removeLabel acme/widgets#1 approved']);
    expect(await claims.journaled('d1', 'p')).toEqual([
      { n: 0, call: 'addLabel acme/widgets#1 lgtm' },
      { n: 1, call: 'removeLabel acme/widgets#1 approved' },
    ]);
  });

  it('reads are never journaled', async () => {
    // Prepare
    const { claims, client } = await journalSetup();

    // Act
    await client.getIssueLabels(ref);

    // Assess
    expect(await claims.journaled('d1', 'p')).toEqual([]);
  });

  it('a long call (a notification body) is journaled by a digest, different bodies by different digests', () => {
    const body = 'x'.repeat(5000);
    const key = journalKey(`createComment acme/widgets#1 ${body}`);
    expect(key.length).toBeLessThan(300);
    expect(key).toMatch(/ sha256:[0-9a-f]{64}$/);
    expect(journalKey(`createComment acme/widgets#1 ${body}y`)).not.toBe(key);
    expect(journalKey('addLabel acme/widgets#1 lgtm')).toBe('addLabel acme/widgets#1 lgtm');
  });
});

describe('memoisedClient', () => {
  it('the same read twice is one call; each caller gets its own copy', async () => {
    // Prepare
    const gh = new MemoryGitHub().setLabels(ref, ['a']);
    const client = memoisedClient(gh);

    // Act
    const first = await client.getIssueLabels(ref);
    first.push('changed by the caller');
    const second = await client.getIssueLabels(ref);

    // Assess
    expect(second).toEqual(['a']);
    expect(gh.reads).toEqual(['getIssueLabels acme/widgets#1']);
  });

  it('a failed read is not remembered', async () => {
    // Prepare
    const gh = new MemoryGitHub().failNext('getIssueLabels', new Error('502'));
    const client = memoisedClient(gh);

    // Act
    await expect(client.getIssueLabels(ref)).rejects.toThrow('502');
    const answer = await client.getIssueLabels(ref);

    // Assess
    expect(answer).toEqual([]);
    expect(gh.reads).toHaveLength(2);
  });

  it('after a write, changeable reads are asked again and stable ones are not', async () => {
    // Prepare
    const gh = new MemoryGitHub();
    const client = memoisedClient(gh);
    await client.getIssueLabels(ref);
    await client.getRepoRole(repo, 'alice');

    // Act
    await client.addLabel(ref, 'lgtm');
    const labels = await client.getIssueLabels(ref);
    await client.getRepoRole(repo, 'alice');

    // Assess
    expect(labels).toEqual(['lgtm']);
    expect(gh.reads).toEqual(['getIssueLabels acme/widgets#1', 'getRepoRole acme/widgets alice', 'getIssueLabels acme/widgets#1']);
  });
});

describe('confine', () => {
  // One row per method of the port: the guard is built from the method table, so a method added
  // later is covered without a change here.
  const elsewhere = { owner: 'evil', repo: 'x', number: 1 };
  const argsFor = (method: keyof GitHubClient): unknown[] => [elsewhere, 'a', 'b'].slice(0, Math.max(1, method.length));

  // isOrgMember may ask about another org (Prow's trusted_org): a read of membership, not an act.
  // getIssue and getRepo may look at another repository (issue-management's links and transfers).
  const confined = githubMethodNames.filter((m) => !githubMethods[m].anyOrg && !githubMethods[m].anyRepo);

  it('only the org-membership read is exempt for other orgs, and two reads for other repositories', () => {
    expect(githubMethodNames.filter((m) => githubMethods[m].anyOrg)).toEqual(['isOrgMember']);
    expect(githubMethodNames.filter((m) => githubMethods[m].anyRepo)).toEqual(['getIssue', 'getRepo']);
    expect(githubMethodNames.filter((m) => githubMethods[m].anyRepo && githubMethods[m].write)).toEqual([]);
  });

  it('an issue or repository read about another repository goes through; a write there does not', async () => {
    const gh = new MemoryGitHub();
    const client = confine(gh, repo, (r) => new Error(`refused ${r.owner}/${r.repo}`));
    expect(await client.getIssue({ ...elsewhere, number: 3 })).toMatchObject({ number: 3 });
    expect(await client.getRepo(elsewhere)).toMatchObject({ owner: elsewhere.owner, repo: elsewhere.repo });
    await expect(client.updateIssue({ ...elsewhere, number: 3 }, { title: 'x' })).rejects.toThrow('refused evil/x');
    expect(gh.writes).toEqual([]);
  });

  it.each(confined.map((method) => ({ method })))('$method on another repository is refused before any call', async ({ method }) => {
    // Prepare
    const gh = new MemoryGitHub();
    const client = confine(gh, repo, (r) => new Error(`refused ${r.owner}/${r.repo}`));

    // Act
    const call = (client[method] as (...a: unknown[]) => Promise<unknown>)(...argsFor(method));

    // Assess
    await expect(call).rejects.toThrow('refused evil/x');
    expect(gh.calls).toEqual([]);
  });

  it("an org-membership read about another org goes through (Prow's trusted_org)", async () => {
    const gh = new MemoryGitHub();
    gh.setOrgMembers('kubernetes-sigs', ['carol']);
    const client = confine(gh, repo, () => new Error('refused'));
    expect(await client.isOrgMember({ owner: 'kubernetes-sigs', repo: 'widgets' }, 'carol')).toBe(true);
  });

  it('names differing only in case are the same repository', async () => {
    const gh = new MemoryGitHub();
    const client = confine(gh, repo, () => new Error('refused'));
    await client.getIssueLabels({ owner: 'ACME', repo: 'Widgets', number: 1 });
    expect(gh.reads).toEqual(['getIssueLabels ACME/Widgets#1']);
  });
});

describe('ownersAccess', () => {
  const owners = 'approvers:\n- alice\n- departed\n';
  const silent = { info() {}, warn() {} };
  const sectionsWith = (owners?: unknown) => ({ owners: ownersSection.schema.parse(owners) });

  it("keeps only collaborators, listing them once per ten minutes across deliveries (the shared cache)", async () => {
    // Prepare
    const gh = new MemoryGitHub().setFile(repo, 'base1', 'OWNERS', owners);
    gh.setRole(repo, 'alice', 'write');
    const cache = new MemoryStore();

    // Act: two deliveries, each with its own access, sharing the table.
    const first = await ownersAccess(sectionsWith(), repo, gh, cache, silent).forPlugin(() => {}).at('base1');
    const second = await ownersAccess(sectionsWith(), repo, gh, cache, silent).forPlugin(() => {}).at('base1');

    // Assess
    expect([...first.approvers('README.md').all()]).toEqual(['alice']);
    expect([...second.approvers('README.md').all()]).toEqual(['alice']);
    expect(gh.reads.filter((c) => c.startsWith('listCollaborators'))).toEqual(['listCollaborators acme/widgets']);
  });

  it('with owners.skip_collaborators listing the repository, the OWNERS alone decide and nobody is listed', async () => {
    // Prepare
    const gh = new MemoryGitHub().setFile(repo, 'base2', 'OWNERS', owners);

    // Act
    const got = await ownersAccess(sectionsWith({ skip_collaborators: ['acme/widgets'] }), repo, gh, undefined, silent).forPlugin(() => {}).at('base2');

    // Assess
    expect([...got.approvers('README.md').all()].sort()).toEqual(['alice', 'departed']);
    expect(gh.reads.some((c) => c.startsWith('listCollaborators'))).toBe(false);
  });
});
