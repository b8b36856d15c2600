// The codebuild agent's `cloneToken`: keeps a short-lived GitHub token for each GitHub App
// installation in a Secrets Manager secret (`<prefix><installation>`, `default` for a plain token)
// and answers the reference a build resolves it by (`<name>:token`, CodeBuild's
// `secret-id:json-key` form). Why a secret and not a variable: see codebuild.ts's header.
//
// One secret per installation, not per job: a secret costs the same whether it lives an hour or a
// month, and a per-job secret would also need deleting (with Secrets Manager's 7-day recovery
// window in the way). The token is refreshed here, before a start, when less than
// `minRemainingMs` of it is left, so a build that waits in CodeBuild's queue still finds a valid
// one when it resolves the variable. Concurrent starts may both refresh: both tokens are valid.
// Nothing here logs the token.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { JobRecord } from '../types.js';

export interface MintedToken {
  token: string;
  /** ISO 8601: a GitHub App installation token lives one hour. */
  expiresAt: string;
}

export interface CloneTokenSecretsOptions {
  client: Pick<SecretsManagerClient, 'send'>;
  /** `skiff/clone-token/`: the CodeBuild role may read `<prefix>*` and nothing else. */
  prefix: string;
  /** A token that can read the installation's repositories (contents: read is enough). */
  /** Undefined: no credentials, the checkout clones anonymously. */
  mint: (job: JobRecord) => Promise<MintedToken | undefined>;
  now: () => Date;
  /** Refresh when less than this is left. Default 40 minutes (CodeBuild queues a build for up to 8 hours, but rarely for long). */
  minRemainingMs?: number;
}

/** The key of the secret's JSON that holds the token. */
const tokenKey = 'token';

export function secretsManagerCloneTokens(options: CloneTokenSecretsOptions): (job: JobRecord) => Promise<string | undefined> {
  // What this container last stored or read per secret: saves a read per start.
  const known = new Map<string, number>();
  const minRemaining = options.minRemainingMs ?? 40 * 60_000;

  const fresh = (expiresAt: number | undefined) => expiresAt !== undefined && expiresAt - options.now().getTime() >= minRemaining;

  async function storedExpiry(name: string): Promise<number | undefined> {
    try {
      const { SecretString } = await options.client.send(new GetSecretValueCommand({ SecretId: name }));
      const parsed = JSON.parse(SecretString ?? '{}') as { expiresAt?: unknown };
      return typeof parsed.expiresAt === 'string' ? Date.parse(parsed.expiresAt) : undefined;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  async function store(name: string, minted: MintedToken): Promise<void> {
    const SecretString = JSON.stringify({ [tokenKey]: minted.token, expiresAt: minted.expiresAt });
    try {
      await options.client.send(new PutSecretValueCommand({ SecretId: name, SecretString }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      try {
        await options.client.send(new CreateSecretCommand({ Name: name, SecretString, Description: 'Skiff: a short-lived GitHub token for job checkouts' }));
      } catch (raced) {
        // Another start created it meanwhile: store ours over it.
        if (!(raced instanceof ResourceExistsException)) throw raced;
        await options.client.send(new PutSecretValueCommand({ SecretId: name, SecretString }));
      }
    }
  }

  return async (job) => {
    // Per installation; a job without one (a periodic) by its repository, whose installation minting finds.
    const repository = job.refs ? `${job.refs.org}/${job.refs.repo}` : 'default';
    const name = `${options.prefix}${job.installation ?? repository}`;
    if (!fresh(known.get(name))) {
      const stored = await storedExpiry(name);
      if (fresh(stored)) {
        known.set(name, stored!);
      } else {
        const minted = await options.mint(job);
        if (!minted) return undefined;
        await store(name, minted);
        known.set(name, Date.parse(minted.expiresAt));
      }
    }
    return `${name}:${tokenKey}`;
  };
}
