// Secret loaders as local mode uses them (environment variables and files; Secrets Manager is
// the same code path behind Powertools' cache).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubCredentialsFromEnv, hmacSecretsFromEnv } from '../../shared/runtime/secrets.js';

const file = (name: string, text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'skiff-secrets-')), name);
  writeFileSync(path, text);
  return path;
};

describe('hmacSecretsFromEnv', () => {
  it.each([
    { name: 'WEBHOOK_SECRET', env: () => ({ WEBHOOK_SECRET: ' s3cret \n' }), want: { '*': [{ value: 's3cret' }] } },
    {
      name: 'a Prow HMAC file',
      env: () => ({ SKIFF_HMAC_FILE: file('hmac.yaml', "'*':\n  - value: global\n    created_at: 2024-01-01T00:00:00Z\nacme/widgets:\n  - value: repo\n") }),
      want: { '*': [{ value: 'global', created_at: '2024-01-01T00:00:00Z' }], 'acme/widgets': [{ value: 'repo', created_at: undefined }] },
    },
  ])('reads $name', async ({ env, want }) => {
    expect(await hmacSecretsFromEnv(env())()).toEqual(want);
  });

  it('reads a secret file once per five minutes, not on every delivery', async () => {
    // Prepare
    const path = file('hmac', 'first');
    const load = hmacSecretsFromEnv({ SKIFF_HMAC_FILE: path });
    await load();
    // Act
    writeFileSync(path, 'second');
    // Assess
    expect(await load()).toEqual({ '*': [{ value: 'first' }] });
  });

  it('says which variables to set when there is no secret', async () => {
    await expect(hmacSecretsFromEnv({})()).rejects.toThrow('no webhook secret: set WEBHOOK_SECRET or SKIFF_HMAC_FILE');
  });
});

describe('githubCredentialsFromEnv', () => {
  it.each([
    { name: 'nothing → dry-run', env: {}, want: { kind: 'none' } },
    { name: 'a token', env: { GITHUB_TOKEN: 't' }, want: { kind: 'token', token: 't' } },
    { name: 'an App, preferred over a token, "\\n" unescaped', env: { GITHUB_TOKEN: 't', GITHUB_APP_ID: '7', GITHUB_APP_PRIVATE_KEY: 'a\\nb' }, want: { kind: 'app', appId: '7', privateKey: 'a\nb' } },
    { name: 'an App id without a key is not an App', env: { GITHUB_APP_ID: '7' }, want: { kind: 'none' } },
  ])('$name', async ({ env, want }) => {
    expect(await githubCredentialsFromEnv(env)).toEqual(want);
  });
});
