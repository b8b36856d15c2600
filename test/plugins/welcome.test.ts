// The welcome plugin against real `pull_request` payloads and the in-memory GitHub. Prow's tables
// from welcome_test.go (TestHandlePR, TestWelcomeConfig), then the template subset (what renders,
// what is refused at load and why), the config's checks, and what each case costs in calls.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import type { RepoRef } from '../../shared/github/client.js';
import { welcomeConfigSchema, welcomeFor } from '../../shared/plugins/welcome/config.js';
import { defaultWelcomeMessage, welcome } from '../../shared/plugins/welcome/index.js';
import { escapeHtml, parseTemplate, renderTemplate } from '../../shared/plugins/welcome/template.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = { owner: 'kubernetes', repo: 'test-infra' };
const openedAt = '2026-11-02T10:00:00Z';

// Prow's testWelcomeTemplate, stray brace and all.
const testWelcomeTemplate = 'Welcome human! 🤖 {{.AuthorName}} {{.AuthorLogin}} {{.Repo}} {{.Org}}}';

interface Author {
  login: string;
  name: string;
  type: string;
}
const newContributor: Author = { login: 'newContributor', name: 'newContributor fullname', type: 'User' };
const contributorA: Author = { login: 'contributorA', name: 'contributorA fullname', type: 'User' };
const contributorB: Author = { login: 'contributorB', name: 'contributorB fullname', type: 'User' };
const member: Author = { login: 'member', name: 'Member Member', type: 'User' };
const collaborator: Author = { login: 'collab', name: 'Collab Collab', type: 'User' };
const robot: Author = { login: 'robot', name: 'robot fullname', type: 'Bot' };

/** A real `pull_request` payload for `author`'s pull request `number` in kubernetes/test-infra. */
function pullRequest(author: Author, number: number, action = 'opened'): PullRequestEvent {
  const payload = structuredClone(samplePayload('pull_request', 'opened')) as Record<string, any>;
  payload.action = action;
  payload.number = number;
  Object.assign(payload.pull_request, { number, created_at: openedAt, updated_at: openedAt });
  Object.assign(payload.pull_request.user, { login: author.login, type: author.type, name: author.name });
  for (const r of [payload.repository, payload.pull_request.base.repo]) {
    Object.assign(r, { name: repo.repo, full_name: `${repo.owner}/${repo.repo}` });
    r.owner.login = repo.owner;
  }
  return payload as PullRequestEvent;
}

interface PriorPullRequest {
  author: string;
  number: number;
  createdAt: string;
}

/**
 * The in-memory GitHub, with an issue search that answers welcome's query from `prior` (as Prow's
 * fake parses its FindIssuesWithOrg query): any other query fails the test.
 */
function githubWith(prior: PriorPullRequest[]) {
  const github = new MemoryGitHub();
  github.setOrgMembers('kubernetes', [member.login]);
  github.setRole(repo, collaborator.login, 'write');
  const searches: string[] = [];
  github.countIssues = async (where: RepoRef, query: string) => {
    searches.push(`${where.owner}/${where.repo} ${query}`);
    github.calls.push(`countIssues ${where.owner}/${where.repo} ${query}`);
    const m = /^is:pr author:(\S+) created:<(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z$/.exec(query);
    if (!m) throw new Error(`unexpected search ${JSON.stringify(query)}`);
    const before = Date.parse(`${m[2]}Z`);
    return prior.filter((p) => p.author.toLowerCase() === m[1]!.toLowerCase() && Date.parse(p.createdAt) < before).length;
  };
  return { github, searches };
}

// Prow's old PRs: contributorA #1, contributorB #2 and #3, all opened before.
const oldPullRequests: PriorPullRequest[] = [
  { author: 'contributorA', number: 1, createdAt: '2026-01-01T00:00:00Z' },
  { author: 'contributorB', number: 2, createdAt: '2026-01-02T00:00:00Z' },
  { author: 'contributorB', number: 3, createdAt: '2026-01-03T00:00:00Z' },
];

interface Case {
  name: string;
  author: Author;
  number: number;
  action?: string;
  /** Record the event's own pull request in the search index (Prow's addPR). */
  addPR?: boolean;
  alwaysPost?: boolean;
  expectComment: boolean;
}

// welcome_test.go TestHandlePR, row by row (onlyOrgMembers is trigger's; see the plugin's header).
const prowCases: Case[] = [
  { name: 'existing contributorA', author: contributorA, number: 20, expectComment: false },
  { name: 'existing contributorB', author: contributorB, number: 40, expectComment: false },
  { name: 'existing contributor when it should greet everyone', author: contributorB, number: 40, alwaysPost: true, expectComment: true },
  { name: 'new contributor', author: newContributor, number: 50, expectComment: true },
  { name: 'new contributor when it should greet everyone', author: newContributor, number: 50, alwaysPost: true, expectComment: true },
  { name: 'new contributor and API recorded PR already', author: newContributor, number: 50, addPR: true, expectComment: true },
  { name: 'new contributor, not PR open event', author: newContributor, number: 50, action: 'edited', expectComment: false },
  { name: 'new contributor, but is a bot', author: robot, number: 500, expectComment: false },
  { name: 'new contribution from the org member', author: member, number: 101, expectComment: false },
  { name: 'new contribution from collaborator', author: collaborator, number: 102, expectComment: false },
  { name: 'contribution from org member when it should greet everyone', author: member, number: 40, alwaysPost: true, expectComment: true },
  // Skiff's rows.
  { name: 'a reopened pull request is not new', author: newContributor, number: 50, action: 'reopened', expectComment: false },
  { name: 'a login spelled in another case is the same author', author: { ...contributorA, login: 'ContributorA' }, number: 21, expectComment: false },
];

describe('welcome (Prow TestHandlePR)', () => {
  it.each(prowCases)('$name', async ({ author, number, action, addPR, alwaysPost, expectComment }) => {
    // Prepare
    const prior = addPR ? [...oldPullRequests, { author: author.login, number, createdAt: openedAt }] : oldPullRequests;
    const { github } = githubWith(prior);
    const config = welcomeConfigSchema.parse([{ repos: ['kubernetes'], message_template: testWelcomeTemplate, always_post: alwaysPost ?? false }]);
    const ctx = pluginContext({ github, config, repo });

    // Act
    const outcome = await welcome.on!.pull_request!(ctx, pullRequest(author, number, action));

    // Assess
    expect(github.writes).toHaveLength(expectComment ? 1 : 0);
    if (expectComment) {
      expect(github.comments).toEqual([
        { ref: `kubernetes/test-infra#${number}`, body: `Welcome human! 🤖 ${author.name} ${author.login} test-infra kubernetes}` },
      ]);
    }
    expect(outcome?.status).toBe(action && action !== 'opened' ? 'skipped' : robot === author ? 'skipped' : 'ran');
  });
});

describe('welcome: what each path costs and says', () => {
  it('a first-timer: org membership, collaborator role, one search for earlier pull requests, one comment', async () => {
    // Prepare
    const { github, searches } = githubWith(oldPullRequests);
    const ctx = pluginContext({ github, config: welcomeConfigSchema.parse(undefined), repo });

    // Act
    const outcome = await welcome.on!.pull_request!(ctx, pullRequest(newContributor, 50));

    // Assess: Prow's default message, and only the pull requests opened before this one count.
    expect(searches).toEqual([`kubernetes/test-infra is:pr author:newContributor created:<2026-11-02T10:00:00Z`]);
    expect(github.comments.map((c) => c.body)).toEqual(['Welcome @newContributor! It looks like this is your first PR to kubernetes/test-infra 🎉']);
    expect(github.calls).toHaveLength(4);
    expect(outcome).toEqual({ status: 'ran', reason: 'welcomed newContributor: their first pull request here' });
    expect(ctx.checks).toEqual(['member newContributor of kubernetes: no', 'collaborator newContributor on kubernetes/test-infra: no (role read)']);
  });

  it('always_post: no trust check and no search, one comment', async () => {
    // Prepare
    const { github } = githubWith(oldPullRequests);
    const ctx = pluginContext({ github, config: welcomeConfigSchema.parse([{ repos: ['kubernetes/test-infra'], always_post: true }]), repo });

    // Act
    await welcome.on!.pull_request!(ctx, pullRequest(member, 7));

    // Assess
    expect(github.calls).toEqual([expect.stringMatching(/^createComment kubernetes\/test-infra#7 Welcome @member!/)]);
  });

  it('a failed comment fails the event, so that it is retried', async () => {
    // Prepare
    const { github } = githubWith([]);
    github.failNext('createComment', new Error('502 Bad Gateway'));
    const ctx = pluginContext({ github, config: undefined, repo });

    // Act / Assess
    await expect(welcome.on!.pull_request!(ctx, pullRequest(newContributor, 8))).rejects.toThrow('502 Bad Gateway');
  });
});

describe('welcome config (Prow TestWelcomeConfig)', () => {
  const config = welcomeConfigSchema.parse([
    { repos: ['kubernetes/test-infra'], message_template: 'defined message for a repo' },
    { repos: ['kubernetes'], message_template: 'defined message for an org' },
    { repos: ['kubernetes/repo-infra'], message_template: 'defined message for a repo' },
  ]);
  it.each([
    { name: 'default message', org: 'kubernetes-sigs', repo: 'kind', expected: defaultWelcomeMessage },
    { name: 'org defined message', org: 'kubernetes', repo: 'community', expected: 'defined message for an org' },
    { name: 'repo defined message, before an org', org: 'kubernetes', repo: 'test-infra', expected: 'defined message for a repo' },
    { name: 'repo defined message, after an org', org: 'kubernetes', repo: 'repo-infra', expected: 'defined message for a repo' },
  ])('$name', ({ org, repo, expected }) => {
    expect(welcomeFor(config, org, repo).messageTemplate).toBe(expected);
  });

  it.each([
    { name: 'an org named twice', section: [{ repos: ['kubernetes'] }, { repos: ['kubernetes'] }], error: `The org "kubernetes" is duplicated in the 'welcome' plugin configuration.` },
    { name: 'a repository named twice', section: [{ repos: ['a/b', 'a/b'] }], error: `The repo "a/b" is duplicated in the 'welcome' plugin configuration.` },
    { name: 'always_post as a string', section: [{ repos: ['a'], always_post: 'yes' }], error: 'expected boolean' },
    { name: 'a template using a field PRInfo lacks', section: [{ repos: ['a'], message_template: 'Hi {{.Author}}' }], error: '"{{.Author}}" at offset 3 is not supported: there is no field Author' },
  ])('refused: $name', ({ section, error }) => {
    const result = welcomeConfigSchema.safeParse(section);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('\n')).toContain(error);
  });

  it('unknown keys are accepted and ignored, an empty template means the default', () => {
    expect(welcomeFor(welcomeConfigSchema.parse([{ repos: ['a'], message_template: '', future_key: 1 }]), 'a', 'b').messageTemplate).toBe(defaultWelcomeMessage);
  });
});

describe('welcome template subset', () => {
  const info = { Org: 'kubernetes', Repo: 'test-infra', AuthorLogin: 'alice', AuthorName: "Alice O'Hara <ao>" };
  it.each([
    { name: "Prow's default", template: defaultWelcomeMessage, out: 'Welcome @alice! It looks like this is your first PR to kubernetes/test-infra 🎉' },
    { name: 'spaces inside the braces', template: '{{ .Org }}/{{\t.Repo\t}}', out: 'kubernetes/test-infra' },
    { name: 'trim markers eat the whitespace beside them', template: 'a  {{- .Org -}}  \n b', out: 'akubernetesb' },
    { name: 'a dash without a space is not a trim marker', template: 'a {{-.Org}}', error: 'only single fields are rendered' },
    { name: 'a stray closing brace is text', template: '{{.Org}}}}', out: 'kubernetes}}' },
    { name: 'values are HTML-escaped as html/template does in text', template: '{{.AuthorName}}', out: 'Alice O&#39;Hara &lt;ao&gt;' },
    { name: 'the template text itself is left alone', template: "<a href='x'>{{.AuthorLogin}}</a> & co", out: "<a href='x'>alice</a> & co" },
    { name: 'field names are case-sensitive, as in Go', template: '{{.org}}', error: 'there is no field org (field names are case-sensitive)' },
    { name: 'an if', template: '{{if .AuthorName}}hi{{end}}', error: '"{{if .AuthorName}}" at offset 0 is not supported: only single fields are rendered' },
    { name: 'a pipeline', template: '{{.Org | printf "%s"}}', error: 'only single fields are rendered' },
    { name: 'a comment', template: '{{/* hi */}}', error: 'only single fields are rendered' },
    { name: 'the dot itself', template: '{{.}}', error: 'only single fields are rendered' },
    { name: 'an unclosed action', template: 'Hi {{.Org', error: 'unclosed action at offset 3: "{{" has no "}}"' },
  ])('$name', ({ template, out, error }) => {
    const parsed = parseTemplate(template);
    if (error) {
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.error).toContain(error);
      if (!parsed.ok && !error.startsWith('unclosed')) expect(parsed.error).toContain('the template may use {{.AuthorLogin}}, {{.AuthorName}}, {{.Org}}, {{.Repo}}');
    } else {
      expect(parsed.ok && renderTemplate(parsed.segments, info)).toBe(out);
    }
  });

  it("escapes NUL and + as Go's htmlEscaper does", () => {
    expect(escapeHtml('a+b\0"&')).toBe('a&#43;b\uFFFD&#34;&amp;');
  });
});
