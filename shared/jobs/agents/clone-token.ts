// The codebuild agent's `cloneToken`: keeps a short-lived GitHub token for each GitHub App
// installation in an SSM Parameter Store SecureString (`<prefix><installation>`, by repository
// for a job without one) and answers the parameter's name, which the build resolves as a
// PARAMETER_STORE variable. Why a stored value and not a variable: see codebuild.ts's header.
//
// Why Parameter Store and not Secrets Manager: a secret costs $0.40 a month each, a standard-tier
// parameter nothing, and both are encrypted (here under the AWS managed `aws/ssm` key, so no key
// to pay for or grant). One parameter per installation, not per job: nothing to delete after a
// job, and a bounded number of parameters (standard tier: 10,000 per region).
//
// The value is the token alone: CodeBuild puts a PARAMETER_STORE parameter's whole value in the
// variable, so it cannot carry the expiry beside the token. The expiry instead comes from the
// parameter's age: `mint` always creates a new token (a GitHub App installation token lives one
// hour from its creation) and the parameter is written just after, so a stored token lives at
// least until `LastModifiedDate + tokenLifetimeMs - datingMarginMs` (a personal token, which does
// not expire, is dated the same way: refreshed more often than it needs, which is harmless).
// Whoever stores a token also keeps its exact expiry in memory, so in the container that stored it
// a start makes no call at all; another container reads the parameter's age once (GetParameter,
// without decryption: only its metadata is needed, never the token) and then remembers it too.
// PutParameter has a low throughput quota, so it runs only when less than `minRemainingMs` is
// left. Concurrent starts may both refresh: both tokens are valid. Nothing here logs the token.
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { JobRecord } from '../types.js';

export interface MintedToken {
  token: string;
  /** ISO 8601: a GitHub App installation token lives one hour. */
  expiresAt: string;
}

export interface CloneTokenParametersOptions {
  client: Pick<SSMClient, 'send'>;
  /** `/skiff/<stack>/clone-token/`: the CodeBuild role may read `<prefix>*` and nothing else. */
  prefix: string;
  /**
   * A newly created token that can read the installation's repositories (contents: read is
   * enough), never a cached one: other containers date it by when it was stored (see the header).
   * Undefined: no credentials, the checkout clones anonymously.
   */
  mint: (job: JobRecord) => Promise<MintedToken | undefined>;
  now: () => Date;
  /** Refresh when less than this is left. Default 40 minutes (CodeBuild queues a build for up to 8 hours, but rarely for long). */
  minRemainingMs?: number;
  /** How long a newly minted token lives. Default one hour, GitHub's for installation tokens. */
  tokenLifetimeMs?: number;
}

/**
 * What separates a token's expiry from its parameter's date: GitHub's clock against ours, and the
 * PutParameter call (with the SDK's retries) between the mint and `LastModifiedDate`. A minted token
 * must have half of it to spare, and readers take the whole of it off, so a put may take up to two
 * minutes without anyone taking the token for fresher than it is.
 */
const datingMarginMs = 4 * 60_000;

export class CloneTokenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CloneTokenError';
  }
}

/**
 * The SDK's command and error classes, loaded when a token is first looked at: the plugins and
 * jobs functions build the codebuild agent at init, and most of their invocations start no build
 * (with `@aws-sdk/*` external to the bundle, a static import is loaded at every cold start).
 */
const ssmSdk = () => import('@aws-sdk/client-ssm');

export function parameterStoreCloneTokens(options: CloneTokenParametersOptions): (job: JobRecord) => Promise<string | undefined> {
  // Per parameter, the expiry this container last stored or inferred: saves a read per start.
  const known = new Map<string, number>();
  const minRemaining = options.minRemainingMs ?? 40 * 60_000;
  const lifetime = options.tokenLifetimeMs ?? 60 * 60_000;

  const fresh = (expiresAt: number | undefined) => expiresAt !== undefined && expiresAt - options.now().getTime() >= minRemaining;

  async function storedExpiry(name: string): Promise<number | undefined> {
    const { GetParameterCommand, ParameterNotFound } = await ssmSdk();
    try {
      const { Parameter } = await options.client.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
      return Parameter?.LastModifiedDate ? Parameter.LastModifiedDate.getTime() + lifetime - datingMarginMs : undefined;
    } catch (error) {
      if (error instanceof ParameterNotFound) return undefined;
      throw error;
    }
  }

  /** Whether ours is the stored token (false: a concurrent start is writing its own). */
  async function store(name: string, minted: MintedToken): Promise<boolean> {
    const { PutParameterCommand, TooManyUpdates } = await ssmSdk();
    try {
      await options.client.send(
        new PutParameterCommand({
          Name: name,
          Value: minted.token,
          Type: 'SecureString',
          // No KeyId: the AWS managed aws/ssm key, whose key policy lets this account's principals use it through SSM.
          Tier: 'Standard',
          Overwrite: true,
          Description: 'Skiff: a short-lived GitHub token for job checkouts',
        }),
      );
      return true;
    } catch (error) {
      // Parameter Store takes one update of a parameter at a time; the other one stores a token as new as ours.
      if (error instanceof TooManyUpdates) return false;
      throw error;
    }
  }

  return async (job) => {
    // Per installation; a job without one (a periodic, a token credential) by its repository.
    const repository = job.refs ? `${job.refs.org}/${job.refs.repo}` : 'default';
    const name = `${options.prefix}${job.installation ?? repository}`;
    if (fresh(known.get(name))) return name;
    const stored = await storedExpiry(name);
    if (fresh(stored)) {
      known.set(name, stored!);
      return name;
    }
    const minted = await options.mint(job);
    if (!minted) return undefined;
    const expiresAt = Date.parse(minted.expiresAt);
    // A token minted earlier (a cached one) would be taken for fresher than it is by other containers.
    if (!(expiresAt - options.now().getTime() >= lifetime - datingMarginMs / 2)) {
      throw new CloneTokenError(`the clone token minted for ${name} expires at ${minted.expiresAt}: a newly created one was expected`);
    }
    if (await store(name, minted)) known.set(name, expiresAt);
    return name;
  };
}
