// The clone-token secrets against aws-sdk-client-mock: one secret per installation, refreshed
// only when the stored token is about to expire, created when missing, and never a token in the
// reference the build gets.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { secretsManagerCloneTokens, type MintedToken } from '../../../shared/jobs/agents/clone-token.js';
import { pendingJobRecord } from '../../fakes/plank-job-record.js';

const now = new Date('2026-12-03T14:00:00.000Z');
const inMinutes = (m: number) => new Date(now.getTime() + m * 60_000).toISOString();
const notFound = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });

function setup() {
  const client = new SecretsManagerClient({ region: 'us-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  const minted: (number | undefined)[] = [];
  let clock = now;
  const tokens = secretsManagerCloneTokens({
    client,
    prefix: 'skiff/clone-token/',
    mint: async (job): Promise<MintedToken> => {
      minted.push(job.installation);
      return { token: `ghs_${minted.length}`, expiresAt: new Date(clock.getTime() + 60 * 60_000).toISOString() };
    },
    now: () => clock,
  });
  return { mock, tokens, minted, advance: (minutes: number) => void (clock = new Date(clock.getTime() + minutes * 60_000)) };
}

const inputs = <T>(calls: { args: [{ input: T }] }[]) => calls.map((c) => c.args[0].input);

describe('secretsManagerCloneTokens', () => {
  it("a fresh stored token is reused: its secret's reference, no new token", async () => {
    // Prepare
    const { mock, tokens, minted } = setup();
    mock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ token: 'ghs_old', expiresAt: inMinutes(55) }) });

    // Act
    const ref = await tokens(pendingJobRecord({ installation: 42 }));

    // Assess
    expect(ref).toBe('skiff/clone-token/42:token');
    expect(minted).toEqual([]);
    expect(inputs(mock.commandCalls(GetSecretValueCommand))).toEqual([{ SecretId: 'skiff/clone-token/42' }]);
    expect(mock.commandCalls(PutSecretValueCommand)).toEqual([]);
  });

  it('a token about to expire is replaced, and the next start in this container reads nothing', async () => {
    // Prepare
    const { mock, tokens, minted } = setup();
    mock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ token: 'ghs_old', expiresAt: inMinutes(10) }) });
    mock.on(PutSecretValueCommand).resolves({});

    // Act
    const first = await tokens(pendingJobRecord({ installation: 42 }));
    const second = await tokens(pendingJobRecord({ installation: 42, id: 'another' }));

    // Assess
    expect([first, second]).toEqual(['skiff/clone-token/42:token', 'skiff/clone-token/42:token']);
    expect(minted).toEqual([42]);
    expect(inputs(mock.commandCalls(PutSecretValueCommand))).toEqual([{ SecretId: 'skiff/clone-token/42', SecretString: JSON.stringify({ token: 'ghs_1', expiresAt: inMinutes(60) }) }]);
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('refreshes again once the cached token gets old', async () => {
    const { mock, tokens, minted, advance } = setup();
    mock.on(GetSecretValueCommand).rejects(notFound());
    mock.on(PutSecretValueCommand).resolves({});
    await tokens(pendingJobRecord({ installation: 7 }));
    advance(25);
    await tokens(pendingJobRecord({ installation: 7 }));
    expect(minted).toEqual([7, 7]);
  });

  it('creates the secret of an installation seen for the first time; a job without an installation (a token credential, a periodic) goes by its repository', async () => {
    const { mock, tokens } = setup();
    mock.on(GetSecretValueCommand).rejects(notFound());
    mock.on(PutSecretValueCommand).rejects(notFound());
    mock.on(CreateSecretCommand).resolves({});
    expect(await tokens(pendingJobRecord({ installation: undefined }))).toBe('skiff/clone-token/acme/widgets:token');
    expect(inputs(mock.commandCalls(CreateSecretCommand))).toEqual([
      { Name: 'skiff/clone-token/acme/widgets', SecretString: JSON.stringify({ token: 'ghs_1', expiresAt: inMinutes(60) }), Description: 'Skiff: a short-lived GitHub token for job checkouts' },
    ]);
  });

  it('a secret another start created meanwhile is written over', async () => {
    const { mock, tokens } = setup();
    mock.on(GetSecretValueCommand).rejects(notFound());
    mock.on(PutSecretValueCommand).rejectsOnce(notFound()).resolves({});
    mock.on(CreateSecretCommand).rejects(new ResourceExistsException({ message: 'exists', $metadata: {} }));
    await tokens(pendingJobRecord({ installation: 3 }));
    expect(mock.commandCalls(PutSecretValueCommand)).toHaveLength(2);
  });

  it('other failures are the start’s failure', async () => {
    const { mock, tokens } = setup();
    mock.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    await expect(tokens(pendingJobRecord({ installation: 3 }))).rejects.toThrow('AccessDeniedException');
  });
});
