// Hands out GitHub clients for events: one per App installation (tokens cached by auth-app),
// or one for a token. Without credentials, a dry-run client that reads anonymously and only
// logs writes, like Prow's --dry-run; or, when given one (local mode), an offline client that
// answers reads itself, so nothing goes to the network.
import { createHash } from 'node:crypto';
import { interceptWrites, unsentAnswer, type GitHubClient, type RepoRef } from './client.js';
import { OctokitGitHub, type ContentResult } from './octokit-client.js';
import { buildOctokit, type GitHubCredentials, type OctokitOptions, type SkiffOctokit } from './octokit.js';
import { GitHubError } from './errors.js';
import { EtagCache } from './etag-cache.js';
import { RateLimitReadings } from './rate-limits.js';
import type { PluginLogger } from '../plugins/types.js';

export interface ContentsReader {
  getContent(repo: RepoRef, path: string, ref: string | undefined, etag?: string): Promise<ContentResult>;
}

export class GitHubConnector {
  private readonly octokits = new Map<string, SkiffOctokit>();
  private login: Promise<string | undefined> | undefined;
  private readonly loadCredentials: () => Promise<GitHubCredentials>;
  private credentials: GitHubCredentials = { kind: 'none' };
  private fingerprint: string | undefined;
  /** GitHub's rate-limit headers per credential, for the worker's metrics (rate-limits.ts). */
  readonly rateLimits = new RateLimitReadings();
  /**
   * One per container, shared by every credential's client (entries are keyed by credential) and
   * kept when credentials change: a new credential's key differs, and old entries age out.
   */
  private readonly etags: EtagCache | undefined;

  /**
   * `credentials` may be a loader (in AWS, Secrets Manager behind a five-minute cache): it is
   * asked on every event, and when the value changes — a token filled in after the deploy, a
   * rotated App key — clients are rebuilt without a redeploy.
   */
  constructor(
    credentials: GitHubCredentials | (() => Promise<GitHubCredentials>),
    private readonly options: OctokitOptions & {
      botLogin?: string;
      /**
       * Local mode: the client events get when there are no credentials, instead of anonymous
       * reads from GitHub. Config reads (contentsFor) still go to GitHub, since a config in a
       * repository can only be read there.
       */
      offline?: GitHubClient;
      /** Conditional reads (etag-cache.ts): a cache to use, or `false` for none. Default: a new one. */
      etagCache?: EtagCache | false;
    },
  ) {
    this.loadCredentials = typeof credentials === 'function' ? credentials : async () => credentials;
    this.etags = options.etagCache === false ? undefined : (options.etagCache ?? new EtagCache());
  }

  /** No credentials: reads are anonymous and writes are only logged (as of the last check). */
  get dryRun(): boolean {
    return this.credentials.kind === 'none';
  }

  /** No credentials and an offline client: events never reach the network. */
  get offline(): boolean {
    return this.dryRun && this.options.offline !== undefined;
  }

  /** Loads (or re-checks) the credentials; clients built with old ones are dropped. */
  async refreshCredentials(): Promise<void> {
    const credentials = await this.loadCredentials();
    const fingerprint = createHash('sha256').update(JSON.stringify(credentials)).digest('hex');
    if (fingerprint === this.fingerprint) return;
    this.credentials = credentials;
    this.fingerprint = fingerprint;
    this.octokits.clear();
    this.login = undefined;
  }

  /**
   * The client for an event. With App credentials, the installation id comes from the
   * payload; when a repo webhook (not the App's) delivered the event, it is looked up.
   */
  async forEvent(repo: RepoRef, installationId?: number): Promise<GitHubClient> {
    await this.refreshCredentials();
    if (this.dryRun && this.options.offline) return this.options.offline;
    const client = await this.octokitClient(repo, installationId);
    return this.dryRun ? dryRunClient(client, this.options.log) : client;
  }

  /** A `label` webhook: this container's kept list of the repository's labels is out of date. */
  repoLabelsChanged(repo: RepoRef): void {
    this.etags?.forgetRepoLabels(repo);
  }

  /** Reads for the config loader; never dry-run-wrapped since it writes nothing. */
  async contentsFor(repo: RepoRef): Promise<ContentsReader> {
    await this.refreshCredentials();
    return this.octokitClient(repo, undefined);
  }

  /**
   * A token a job's checkout can clone the repository with: a newly created one of the App
   * installation (it lives an hour from now), or the configured token; none without credentials
   * (public repositories clone anonymously). Newly created, not auth-app's cached one (which may
   * have a minute left): the clone-token store dates a token by when it stored it, and a build may
   * wait in CodeBuild's queue before it clones.
   */
  async cloneToken(repo: RepoRef, installationId?: number): Promise<{ token: string; expiresAt: string } | undefined> {
    await this.refreshCredentials();
    const creds = this.credentials;
    if (creds.kind === 'none') return undefined;
    // A personal token has no expiry we know of: a day ahead makes it "fresh" for any build.
    if (creds.kind === 'token') return { token: creds.token, expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
    const octokit = await this.octokitFor(repo, installationId);
    const auth = (await octokit.auth({ type: 'installation', refresh: true })) as { token: string; expiresAt?: string };
    return { token: auth.token, expiresAt: auth.expiresAt ?? new Date(Date.now() + 3_600_000).toISOString() };
  }

  /** The bot's own login, so it never reacts to its own comments. Resolved once. */
  async botLogin(): Promise<string | undefined> {
    // First, so a credential change (which resets the cached login) happens before caching.
    await this.refreshCredentials();
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
        const { data } = await this.octokit('token', { token: this.credentials.token }).request('GET /user', );
        return data.login;
      }
      case 'app': {
        const { data } = await this.app().request('GET /app', );
        return `${data?.slug}[bot]`;
      }
    }
  }

  private octokit(key: string, auth: Parameters<typeof buildOctokit>[0]): SkiffOctokit {
    let octokit = this.octokits.get(key);
    if (!octokit) {
      octokit = buildOctokit(auth, { ...this.options, conditionalReads: this.etags && { cache: this.etags, rateLimits: this.rateLimits } });
      this.octokits.set(key, octokit);
    }
    return octokit;
  }

  private app(): SkiffOctokit {
    if (this.credentials.kind !== 'app') throw new Error('not a GitHub App');
    return this.octokit('app', { appId: this.credentials.appId, privateKey: this.credentials.privateKey });
  }

  private async octokitClient(repo: RepoRef, installationId: number | undefined): Promise<OctokitGitHub> {
    return new OctokitGitHub(await this.octokitFor(repo, installationId));
  }

  private async octokitFor(repo: RepoRef, installationId: number | undefined): Promise<SkiffOctokit> {
    const creds = this.credentials;
    if (creds.kind === 'token') return this.octokit('token', { token: creds.token });
    if (creds.kind === 'none') return this.octokit('anonymous', undefined);
    if (installationId === undefined) {
      try {
        const { data } = await this.app().request('GET /repos/{owner}/{repo}/installation', { owner: repo.owner, repo: repo.repo });
        installationId = data.id;
      } catch (cause) {
        throw new GitHubError(`the GitHub App is not installed on ${repo.owner}/${repo.repo}`, { cause });
      }
    }
    return this.octokit(`installation:${installationId}`, { appId: creds.appId, privateKey: creds.privateKey, installationId });
  }
}

/** Reads go through; writes are logged in full and not sent. */
export function dryRunClient(inner: GitHubClient, log: Pick<PluginLogger, 'info'>): GitHubClient {
  return interceptWrites(inner, async (call) => {
    log.info(`dry-run: not sending ${call.method}`, { method: call.method, call: call.text });
    return unsentAnswer(call.method, call.args);
  });
}
