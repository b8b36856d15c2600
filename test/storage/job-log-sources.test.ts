// The CloudWatch Logs adapter of `GET /jobs/<id>/log` (shared/storage/job-log-sources.ts) against
// aws-sdk-client-mock: the exact GetLogEvents it sends on the build log group, the page it hands
// the handler, and the SDK's own error for a stream not written yet (what isMissingStream reads).
import { CloudWatchLogsClient, GetLogEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { cloudWatchLogEvents, isMissingStream } from '../../shared/storage/job-log-sources.js';

const group = '/aws/codebuild/SkiffJobs';

function setup() {
  const client = new CloudWatchLogsClient({ region: 'us-west-2', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  return { mock, events: cloudWatchLogEvents(group, async () => client) };
}

describe('cloudWatchLogEvents', () => {
  it.each([
    { name: 'the newest page', input: { logStreamName: 'uuid-1', startFromHead: false } },
    { name: 'an older page, by its backward token', input: { logStreamName: 'uuid-1', startFromHead: false, nextToken: 'b/41' } },
  ])('$name: GetLogEvents on the build log group with exactly what the handler asked', async ({ input }) => {
    // Prepare
    const { mock, events } = setup();
    mock.on(GetLogEventsCommand).resolves({ events: [{ message: 'ok\n', timestamp: 1 }, { timestamp: 2 }], nextBackwardToken: 'b/40', nextForwardToken: 'f/42' });

    // Act
    const page = await events(input);

    // Assess
    expect(mock.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input)).toEqual([{ logGroupName: group, ...input }]);
    expect(page).toEqual({ events: [{ message: 'ok\n' }, {}], nextBackwardToken: 'b/40', nextForwardToken: 'f/42' });
  });

  it("a stream CodeBuild has not created yet is the SDK's ResourceNotFoundException, which the handler takes for no log yet", async () => {
    const { mock, events } = setup();
    mock.on(GetLogEventsCommand).rejects(new ResourceNotFoundException({ message: 'The specified log stream does not exist.', $metadata: {} }));
    const error = await events({ logStreamName: 'uuid-2', startFromHead: false }).catch((e: unknown) => e);
    expect(isMissingStream(error)).toBe(true);
  });

  it('any other error is not taken for a missing stream', async () => {
    const { mock, events } = setup();
    mock.on(GetLogEventsCommand).rejects(Object.assign(new Error('User is not authorized to perform: logs:GetLogEvents'), { name: 'AccessDeniedException' }));
    const error = await events({ logStreamName: 'uuid-3', startFromHead: false }).catch((e: unknown) => e);
    expect(isMissingStream(error)).toBe(false);
  });
});
