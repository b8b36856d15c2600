// trust.ts's isTrustedUser: Prow's trigger.TrustedUser rows (pkg/plugins/trigger/trigger_test.go
// TestTrustedUser) with the repository's `triggers:` entry, over a MemoryGitHub, each answer in
// Prow's words and every check noted for the trace.
import { describe, expect, it } from 'vitest';
import { triggerFor, triggersSection } from '../../shared/config/triggers-section.js';
import { createTrust } from '../../shared/plugins/trust.js';
import { MemoryGitHub } from '../fakes/memory-github.js';

const repo = { owner: 'kubernetes', repo: 'kubernetes' };

interface Row {
  name: string;
  user: string;
  triggers?: unknown;
  members?: string[];
  secondaryMembers?: string[];
  collaborators?: string[];
  trusted: boolean;
  reason?: string;
}

const rows: Row[] = [
  { name: 'the bot itself', user: 'k8s-ci-robot', trusted: true },
  { name: 'an org member', user: 'alice', members: ['alice'], trusted: true },
  { name: 'a collaborator', user: 'bob', collaborators: ['bob'], trusted: true },
  { name: 'neither', user: 'mallory', trusted: false, reason: 'User is not a member of the org. User is not a collaborator.' },
  { name: 'only_org_members: a collaborator is not enough', user: 'bob', collaborators: ['bob'], triggers: [{ repos: ['kubernetes'], only_org_members: true }], trusted: false, reason: 'User is not a member of the org.' },
  { name: 'a trusted app', user: 'cherrypick-robot[bot]', triggers: [{ repos: ['kubernetes'], trusted_apps: ['cherrypick-robot'] }], trusted: true },
  { name: 'an app not in trusted_apps', user: 'other-robot[bot]', triggers: [{ repos: ['kubernetes'], trusted_apps: ['cherrypick-robot'] }], trusted: false, reason: 'User is not a member of the org. User is not a collaborator.' },
  { name: 'a member of the trusted secondary org', user: 'carol', secondaryMembers: ['carol'], triggers: [{ repos: ['kubernetes/kubernetes'], trusted_org: 'kubernetes-sigs' }], trusted: true },
  {
    name: 'not a member of the trusted secondary org either',
    user: 'mallory',
    triggers: [{ repos: ['kubernetes/kubernetes'], trusted_org: 'kubernetes-sigs' }],
    trusted: false,
    reason: 'User is not a member of the org. User is not a member of the trusted secondary org. User is not a collaborator.',
  },
  { name: 'a trusted_org equal to the org is no second check', user: 'mallory', triggers: [{ repos: ['kubernetes'], trusted_org: 'kubernetes', only_org_members: true }], trusted: false, reason: 'User is not a member of the org.' },
];

describe('isTrustedUser (Prow TrustedUser)', () => {
  it.each(rows)('$name', async ({ user, triggers, members, secondaryMembers, collaborators, trusted, reason }) => {
    // Prepare
    const gh = new MemoryGitHub();
    gh.setOrgMembers('kubernetes', members ?? []);
    gh.setOrgMembers('kubernetes-sigs', secondaryMembers ?? []);
    for (const login of collaborators ?? []) gh.setRole('kubernetes/kubernetes', login, 'write');
    const notes: string[] = [];
    const trigger = triggerFor(triggersSection.schema.parse(triggers), repo.owner, repo.repo);
    const trust = createTrust(gh, repo, (line) => void notes.push(line), { trigger, botLogin: 'k8s-ci-robot' });

    // Act
    const answer = await trust.isTrustedUser(user);

    // Assess
    expect(answer.trusted).toBe(trusted);
    if (reason) expect(answer.reason).toBe(reason);
    expect(notes.length).toBeGreaterThan(0);
  });

  it("join_org_url defaults to the trusted org's people page, else the org's", () => {
    expect(triggerFor(triggersSection.schema.parse([{ repos: ['a'], trusted_org: 'b' }]), 'a', 'x').joinOrgUrl).toBe('https://github.com/orgs/b/people');
    expect(triggerFor([], 'a', 'x').joinOrgUrl).toBe('https://github.com/orgs/a/people');
  });
});
