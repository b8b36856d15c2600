// Secrets from the environment: in AWS, Secrets Manager ARNs (read through Powertools
// Parameters, cached for five minutes so a rotated secret is picked up without a deploy);
// in local mode, plain environment variables or a file. Values never reach a log.
import { readFile } from 'node:fs/promises';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { GitHubCredentials } from '../github/octokit.js';
import { HmacConfigError, parseHmacSecrets, type HmacSecrets } from '../hook/hmac.js';

import type { Env } from './env.js';

const secretMaxAgeSeconds = 300;

// Files (local mode) get the same five-minute cache as Secrets Manager values: both loaders are
// asked on every request or event, and a file edit is still picked up without a restart.
const files = new Map<string, { text: Promise<string>; at: number }>();
function readSecretFile(path: string): Promise<string> {
  const hit = files.get(path);
  if (hit && Date.now() - hit.at < secretMaxAgeSeconds * 1000) return hit.text;
  const text = readFile(path, 'utf8');
  files.set(path, { text, at: Date.now() });
  text.catch(() => files.delete(path));
  return text;
}

/** Returns a loader for the webhook secrets; the parsed value is cached per raw text. */
export function hmacSecretsFromEnv(env: Env): () => Promise<HmacSecrets> {
  let cached: { text: string; secrets: HmacSecrets } | undefined;
  const read = async (): Promise<{ text: string; source: string }> => {
    if (env.SKIFF_HMAC_SECRET_ARN) {
      const value = await getSecret(env.SKIFF_HMAC_SECRET_ARN, { maxAge: secretMaxAgeSeconds });
      if (typeof value !== 'string') throw new HmacConfigError('the HMAC secret in Secrets Manager is not a string');
      return { text: value, source: `the HMAC secret ${env.SKIFF_HMAC_SECRET_ARN}` };
    }
    if (env.SKIFF_HMAC_FILE) return { text: await readSecretFile(env.SKIFF_HMAC_FILE), source: `HMAC file ${env.SKIFF_HMAC_FILE}` };
    if (env.WEBHOOK_SECRET) return { text: env.WEBHOOK_SECRET, source: 'WEBHOOK_SECRET' };
    throw new HmacConfigError('no webhook secret: set WEBHOOK_SECRET or SKIFF_HMAC_FILE (SKIFF_HMAC_SECRET_ARN in AWS)');
  };
  return async () => {
    const { text, source } = await read();
    if (cached?.text !== text) cached = { text, secrets: parseHmacSecrets(text, source) };
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
  const privateKey = env.GITHUB_APP_PRIVATE_KEY ?? (env.GITHUB_APP_PRIVATE_KEY_FILE ? await readSecretFile(env.GITHUB_APP_PRIVATE_KEY_FILE) : undefined);
  return appCredentials(env.GITHUB_APP_ID, privateKey) ?? (env.GITHUB_TOKEN ? { kind: 'token', token: env.GITHUB_TOKEN } : { kind: 'none' });
}
