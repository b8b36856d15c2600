// Hands out GitHub clients for events: one per App installation (tokens cached by auth-app),
// or one for a token. Without credentials, a dry-run client that reads anonymously and only
// logs writes, like Prow's --dry-run.
import type { GitHubClient, IssueRef, RepoRef } from './client.js';
import { writeMethods } from './client.js';
import { OctokitGitHub, type ContentResult } from './octokit-client.js';
import { buildOctokit, type GitHubCredentials, type OctokitOptions, type SkiffOctokit } from './octokit.js';
import { GitHubError } from './errors.js';
import type { PluginLogger } from '../plugins/types.js';

export interface ContentsReader {
  getContent(repo: RepoRef, path: string, ref: string | undefined, etag?: string): Promise<ContentResult>;
}

export class GitHubConnector {
  readonly dryRun: boolean;
  private readonly octokits = new Map<string, SkiffOctokit>();
  private login: Promise<string | undefined> | undefined;

  constructor(
    private readonly credentials: GitHubCredentials,
    private readonly options: OctokitOptions & { botLogin?: string },
  ) {
    this.dryRun = credentials.kind === 'none';
  }

  /**
   * The client for an event. With App credentials, the installation id comes from the
   * payload; when a repo webhook (not the App's) delivered the event, it is looked up.
   */
  async forEvent(repo: RepoRef, installationId?: number): Promise<GitHubClient> {
    const client = await this.octokitClient(repo, installationId);
    return this.dryRun ? dryRunClient(client, this.options.log) : client;
  }

  /** Reads for the config loader; never dry-run-wrapped since it writes nothing. */
  async contentsFor(repo: RepoRef): Promise<ContentsReader> {
    return this.octokitClient(repo, undefined);
  }

  /** The bot's own login, so it never reacts to its own comments. Resolved once. */
  botLogin(): Promise<string | undefined> {
    this.login ??= this.resolveLogin().catch((error) => {
      this.login = undefined;
      throw error;
    });
    return this.login;
  }

  private async resolveLogin(): Promise<string | undefined> {
    if (this.options.botLogin) return this.options.botLogin;
    switch (this.credentials.kind) {
      case 'none':
        return undefined;
      case 'token': {
        const { data } = await this.octokit('token', { token: this.credentials.token }).rest.users.getAuthenticated();
        return data.login;
      }
      case 'app': {
        const { data } = await this.app().rest.apps.getAuthenticated();
        return `${data?.slug}[bot]`;
      }
    }
  }

  private octokit(key: string, auth: Parameters<typeof buildOctokit>[0]): SkiffOctokit {
    let octokit = this.octokits.get(key);
    if (!octokit) {
      octokit = buildOctokit(auth, this.options);
      this.octokits.set(key, octokit);
    }
    return octokit;
  }

  private app(): SkiffOctokit {
    if (this.credentials.kind !== 'app') throw new Error('not a GitHub App');
    return this.octokit('app', { appId: this.credentials.appId, privateKey: this.credentials.privateKey });
  }

  private async octokitClient(repo: RepoRef, installationId: number | undefined): Promise<OctokitGitHub> {
    const creds = this.credentials;
    if (creds.kind === 'token') return new OctokitGitHub(this.octokit('token', { token: creds.token }));
    if (creds.kind === 'none') return new OctokitGitHub(this.octokit('anonymous', undefined));
    if (installationId === undefined) {
      try {
        const { data } = await this.app().rest.apps.getRepoInstallation({ owner: repo.owner, repo: repo.repo });
        installationId = data.id;
      } catch (cause) {
        throw new GitHubError(`the GitHub App is not installed on ${repo.owner}/${repo.repo}`, { cause });
      }
    }
    return new OctokitGitHub(this.octokit(`installation:${installationId}`, { appId: creds.appId, privateKey: creds.privateKey, installationId }));
  }
}

/** Reads go through; writes are logged in full and not sent. */
export function dryRunClient(inner: GitHubClient, log: Pick<PluginLogger, 'info'>): GitHubClient {
  const client: GitHubClient = {
    addLabel: inner.addLabel.bind(inner),
    removeLabel: inner.removeLabel.bind(inner),
    getIssueLabels: inner.getIssueLabels.bind(inner),
    getPullRequestChanges: inner.getPullRequestChanges.bind(inner),
    getFile: inner.getFile.bind(inner),
    createComment: inner.createComment.bind(inner),
  };
  for (const method of writeMethods) {
    client[method] = async (ref: IssueRef, arg: string) => {
      log.info(`dry-run: not sending ${method}`, { method, ref, arg });
    };
  }
  return client;
}
