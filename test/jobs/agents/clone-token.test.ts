// The clone-token parameters against aws-sdk-client-mock: one SecureString per installation,
// dated by its LastModifiedDate, refreshed only when the stored token is about to expire, never
// decrypted by the functions, and never a token in what the build gets.
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient, TooManyUpdates } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { CloneTokenError, parameterStoreCloneTokens, type MintedToken } from '../../../shared/jobs/agents/clone-token.js';
import { pendingJobRecord } from '../../fakes/plank-job-record.js';

const now = new Date('2026-12-03T14:00:00.000Z');
const minutesFromNow = (m: number) => new Date(now.getTime() + m * 60_000);
const notFound = () => new ParameterNotFound({ message: 'Parameter /skiff/clone-token/42 not found.', $metadata: {} });

function setup(options: { mintedLifetimeMinutes?: number } = {}) {
  const client = new SSMClient({ region: 'us-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  const minted: (number | undefined)[] = [];
  let clock = now;
  const tokens = parameterStoreCloneTokens({
    client,
    prefix: '/skiff/clone-token/',
    mint: async (job): Promise<MintedToken> => {
      minted.push(job.installation);
      return { token: `ghs_${minted.length}`, expiresAt: new Date(clock.getTime() + (options.mintedLifetimeMinutes ?? 60) * 60_000).toISOString() };
    },
    now: () => clock,
  });
  return { mock, tokens, minted, advance: (minutes: number) => void (clock = new Date(clock.getTime() + minutes * 60_000)) };
}

type SSMMock = ReturnType<typeof setup>['mock'];

const inputs = <T>(calls: { args: [{ input: T }] }[]) => calls.map((c) => c.args[0].input);

/** The one PutParameter a refresh sends: the token alone as a standard-tier SecureString under the default key. */
const put = (name: string, token: string) => ({
  Name: name,
  Value: token,
  Type: 'SecureString',
  Tier: 'Standard',
  Overwrite: true,
  Description: 'Skiff: a short-lived GitHub token for job checkouts',
});

describe('parameterStoreCloneTokens', () => {
  // A stored token is dated by its parameter: it lives an hour from LastModifiedDate, less the
  // 4-minute dating margin, and is reused while 40 minutes or more of that are left.
  it.each([
    { name: 'stored just now: reused', storedMinutesAgo: 0, refreshed: false },
    { name: 'stored 15 minutes ago (41 minutes left): reused', storedMinutesAgo: 15, refreshed: false },
    { name: 'stored 17 minutes ago (39 minutes left): replaced', storedMinutesAgo: 17, refreshed: true },
    { name: 'stored two hours ago (long expired): replaced', storedMinutesAgo: 120, refreshed: true },
  ])('$name', async ({ storedMinutesAgo, refreshed }) => {
    // Prepare
    const { mock, tokens, minted } = setup();
    mock.on(GetParameterCommand).resolves({ Parameter: { Name: '/skiff/clone-token/42', Type: 'SecureString', LastModifiedDate: minutesFromNow(-storedMinutesAgo) } });
    mock.on(PutParameterCommand).resolves({ Version: 2, Tier: 'Standard' });

    // Act
    const name = await tokens(pendingJobRecord({ installation: 42 }));

    // Assess: the build gets the parameter's name; the function reads only its metadata.
    expect(name).toBe('/skiff/clone-token/42');
    expect(inputs(mock.commandCalls(GetParameterCommand))).toEqual([{ Name: '/skiff/clone-token/42', WithDecryption: false }]);
    expect(minted).toEqual(refreshed ? [42] : []);
    expect(inputs(mock.commandCalls(PutParameterCommand))).toEqual(refreshed ? [put('/skiff/clone-token/42', 'ghs_1')] : []);
  });

  it('the next start in the container that stored or read a fresh token calls nothing', async () => {
    // Prepare
    const { mock, tokens } = setup();
    mock.on(GetParameterCommand).resolvesOnce({ Parameter: { LastModifiedDate: minutesFromNow(-30) } }).resolves({ Parameter: { LastModifiedDate: now } });
    mock.on(PutParameterCommand).resolves({ Version: 2 });

    // Act: installation 42 refreshes, 43 reads a fresh one; then a second start of each.
    for (const installation of [42, 43, 42, 43]) await tokens(pendingJobRecord({ installation }));

    // Assess
    expect(inputs(mock.commandCalls(GetParameterCommand)).map((i) => i.Name)).toEqual(['/skiff/clone-token/42', '/skiff/clone-token/43']);
    expect(inputs(mock.commandCalls(PutParameterCommand)).map((i) => i.Name)).toEqual(['/skiff/clone-token/42']);
  });

  it('refreshes again once the cached token gets old', async () => {
    // Prepare
    const { mock, tokens, minted, advance } = setup();
    mock.on(GetParameterCommand).rejects(notFound());
    mock.on(PutParameterCommand).resolves({ Version: 1 });

    // Act: 25 minutes on, the token minted first has 35 minutes left.
    await tokens(pendingJobRecord({ installation: 7 }));
    advance(19);
    await tokens(pendingJobRecord({ installation: 7 }));
    advance(6);
    await tokens(pendingJobRecord({ installation: 7 }));

    // Assess
    expect(minted).toEqual([7, 7]);
    expect(inputs(mock.commandCalls(PutParameterCommand)).map((i) => i.Value)).toEqual(['ghs_1', 'ghs_2']);
  });

  it('the first start of an installation creates its parameter; a job without an installation (a token credential, a periodic) goes by its repository', async () => {
    // Prepare
    const { mock, tokens } = setup();
    mock.on(GetParameterCommand).rejects(notFound());
    mock.on(PutParameterCommand).resolves({ Version: 1 });

    // Act
    const name = await tokens(pendingJobRecord({ installation: undefined }));

    // Assess
    expect(name).toBe('/skiff/clone-token/acme/widgets');
    expect(inputs(mock.commandCalls(PutParameterCommand))).toEqual([put('/skiff/clone-token/acme/widgets', 'ghs_1')]);
  });

  it('a concurrent update of the parameter (TooManyUpdates) stores a token as new: its name is answered, and the next start reads again', async () => {
    // Prepare
    const { mock, tokens, minted } = setup();
    mock.on(GetParameterCommand).rejectsOnce(notFound()).resolves({ Parameter: { LastModifiedDate: now } });
    mock.on(PutParameterCommand).rejects(new TooManyUpdates({ message: 'There are concurrent updates for a resource that supports one update at a time.', $metadata: {} }));

    // Act
    const first = await tokens(pendingJobRecord({ installation: 3 }));
    const second = await tokens(pendingJobRecord({ installation: 3 }));

    // Assess
    expect([first, second]).toEqual(['/skiff/clone-token/3', '/skiff/clone-token/3']);
    expect(minted).toEqual([3]);
    expect(mock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('without credentials nothing is stored and the build gets no token', async () => {
    // Prepare
    const client = new SSMClient({ region: 'us-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const mock = mockClient(client);
    mock.on(GetParameterCommand).rejects(notFound());
    const tokens = parameterStoreCloneTokens({ client, prefix: '/skiff/clone-token/', mint: async () => undefined, now: () => now });

    // Act
    const name = await tokens(pendingJobRecord({ installation: 5 }));

    // Assess
    expect(name).toBeUndefined();
    expect(mock.commandCalls(PutParameterCommand)).toEqual([]);
  });

  it('a minted token that is not new (30 minutes left) is refused: other containers would date it an hour from now', async () => {
    // Prepare
    const { mock, tokens } = setup({ mintedLifetimeMinutes: 30 });
    mock.on(GetParameterCommand).rejects(notFound());

    // Act
    const start = tokens(pendingJobRecord({ installation: 9 }));

    // Assess
    await expect(start).rejects.toBeInstanceOf(CloneTokenError);
    await expect(start).rejects.toThrow('the clone token minted for /skiff/clone-token/9 expires at 2026-12-03T14:30:00.000Z: a newly created one was expected');
    expect(mock.commandCalls(PutParameterCommand)).toEqual([]);
  });

  it.each([
    { name: 'reading the parameter', fail: (mock: SSMMock) => mock.on(GetParameterCommand).rejects(new Error('AccessDeniedException')) },
    {
      name: 'storing the token',
      fail: (mock: SSMMock) => {
        mock.on(GetParameterCommand).rejects(notFound());
        mock.on(PutParameterCommand).rejects(new Error('AccessDeniedException'));
      },
    },
  ])('any other failure $name is the start’s failure', async ({ fail }) => {
    // Prepare
    const { mock, tokens } = setup();
    fail(mock);

    // Act / Assess
    await expect(tokens(pendingJobRecord({ installation: 3 }))).rejects.toThrow('AccessDeniedException');
  });
});
