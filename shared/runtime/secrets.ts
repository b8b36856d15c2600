// Secrets from the environment: in AWS, Secrets Manager ARNs (read through Powertools
// Parameters, cached for five minutes so a rotated secret is picked up without a deploy);
// in local mode, plain environment variables or a file. Values never reach a log.
import { readFile } from 'node:fs/promises';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { GitHubCredentials } from '../github/octokit.js';
import { HmacConfigError, parseHmacSecrets, type HmacSecrets } from '../hook/hmac.js';

type Env = Record<string, string | undefined>;

const secretMaxAgeSeconds = 300;

/** Returns a loader for the webhook secrets; the parsed value is cached per raw text. */
export function hmacSecretsFromEnv(env: Env): () => Promise<HmacSecrets> {
  let cached: { text: string; secrets: HmacSecrets } | undefined;
  const read = async (): Promise<string> => {
    if (env.SKIFF_HMAC_SECRET_ARN) {
      const value = await getSecret(env.SKIFF_HMAC_SECRET_ARN, { maxAge: secretMaxAgeSeconds });
      if (typeof value !== 'string') throw new HmacConfigError('the HMAC secret in Secrets Manager is not a string');
      return value;
    }
    if (env.SKIFF_HMAC_FILE) return readFile(env.SKIFF_HMAC_FILE, 'utf8');
    if (env.WEBHOOK_SECRET) return env.WEBHOOK_SECRET;
    throw new HmacConfigError('no webhook secret: set WEBHOOK_SECRET or SKIFF_HMAC_FILE (SKIFF_HMAC_SECRET_ARN in AWS)');
  };
  return async () => {
    const text = await read();
    if (cached?.text !== text) cached = { text, secrets: parseHmacSecrets(text) };
    return cached.secrets;
  };
}

const appCredentials = (appId: string | undefined, privateKey: string | undefined): GitHubCredentials | undefined =>
  // Keys pasted into a single-line variable often carry literal "\n".
  appId && privateKey ? { kind: 'app', appId, privateKey: privateKey.replace(/\\n/g, '\n') } : undefined;

/** GitHub credentials: App preferred, then a token; none → dry-run. */
export async function githubCredentialsFromEnv(env: Env): Promise<GitHubCredentials> {
  if (env.SKIFF_GITHUB_SECRET_ARN) {
    const value = (await getSecret(env.SKIFF_GITHUB_SECRET_ARN, { maxAge: secretMaxAgeSeconds, transform: 'json' })) as
      | { token?: string; appId?: string | number; privateKey?: string }
      | undefined;
    return appCredentials(value?.appId?.toString(), value?.privateKey) ?? (value?.token ? { kind: 'token', token: value.token } : { kind: 'none' });
  }
  const privateKey = env.GITHUB_APP_PRIVATE_KEY ?? (env.GITHUB_APP_PRIVATE_KEY_FILE ? await readFile(env.GITHUB_APP_PRIVATE_KEY_FILE, 'utf8') : undefined);
  return appCredentials(env.GITHUB_APP_ID, privateKey) ?? (env.GITHUB_TOKEN ? { kind: 'token', token: env.GITHUB_TOKEN } : { kind: 'none' });
}
