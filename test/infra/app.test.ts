// infra/skiff-app.ts: cdk context → stack, and cdk-nag wired so that any finding fails synthesis.
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { configureSkiffApp, contextKeys } from '../../infra/skiff-app.js';
import { SkiffSettingError, settingDefaults } from '../../infra/stack-settings.js';
import { handledEvents } from '../../shared/hook/events.js';
import { plugins as pluginRegistry } from '../../shared/plugins/registry.js';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  app: string;
  context: Record<string, unknown>;
};

// What `cdk synth -c key=value` would pass; bundle=false keeps the function sources out of it.
const appWith = (context: Record<string, unknown>) =>
  new App({ context: { ...cdkJson.context, bundle: 'false', ...context } });

describe('configureSkiffApp', () => {
  it.each([
    { name: 'missing', context: {} },
    { name: 'empty', context: { config: '' } },
    { name: 'a local path, which Lambda cannot read', context: { config: './plugins.yaml' } },
    { name: 'without a path', context: { config: 'acme/prow-config' } },
  ])('explains how to pass config when it is $name', ({ context }) => {
    expect(() => configureSkiffApp(appWith(context))).toThrow(/-c config=owner\/repo:path/);
  });

  it.each(['abc', '1', '2.5'])('rejects pluginsMaxConcurrency=%s', (value) => {
    expect(() => configureSkiffApp(appWith({ config: 'acme/prow-config:plugins.yaml', pluginsMaxConcurrency: value }))).toThrow(
      /pluginsMaxConcurrency/,
    );
  });

  it.each([
    { context: { publicTraces: 'yes' }, error: /context publicTraces must be true or false, got "yes"/ },
    { context: { publicTraces: '1' }, error: /context publicTraces must be true or false/ },
    { context: { reserveConcurrency: 'off' }, error: /context reserveConcurrency must be true or false/ },
    { context: { apiRateLimit: 'fast' }, error: /context apiRateLimit must be an integer, got "fast"/ },
    { context: { apiBurstLimit: '0' }, error: /apiBurstLimit must be an integer from 1 to 5000, got 0/ },
    { context: { webhookReservedConcurrency: '-3' }, error: /context webhookReservedConcurrency must be an integer/ },
    { context: { pluginsMaxConcurrency: '10', pluginsReservedConcurrency: '9' }, error: /pluginsReservedConcurrency \(9\) must be at least pluginsMaxConcurrency \(10\)/ },
    { context: { queueEvents: 'release,Check Run' }, error: /queueEvents: expected GitHub event names such as release,check_run \(or \*\), got "Check Run"/ },
    { context: { queueEvents: '*,release' }, error: /queueEvents: either \* or a list of event names, not both/ },
  ])('rejects $context with a message naming the setting', ({ context, error }) => {
    expect(() => configureSkiffApp(appWith({ config: 'acme/prow-config:plugins.yaml', ...context }))).toThrow(SkiffSettingError);
    expect(() => configureSkiffApp(appWith({ config: 'acme/prow-config:plugins.yaml', ...context }))).toThrow(error);
  });

  it.each([
    { name: 'by default', context: {}, authorization: 'AWS_IAM' },
    { name: 'with publicTraces=false', context: { publicTraces: 'false' }, authorization: 'AWS_IAM' },
    { name: 'with publicTraces=true', context: { publicTraces: 'true' }, authorization: 'NONE' },
    { name: 'with publicTraces true in cdk.json', context: { publicTraces: true }, authorization: 'NONE' },
  ])('authorises the trace route $name', ({ context, authorization }) => {
    const template = Template.fromStack(configureSkiffApp(appWith({ config: 'acme/prow-config:plugins.yaml', ...context })));
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /api/{proxy+}', AuthorizationType: authorization });
  });

  it.each([
    { name: 'nothing extra by default', context: {}, events: (built: string[]) => built },
    { name: 'named events beside the built-ins', context: { queueEvents: 'release, check_run,release' }, events: (built: string[]) => [...built, 'check_run', 'release'].sort() },
    { name: 'every event with *', context: { queueEvents: '*' }, events: () => ['*'] },
  ])('queues $name for external plugins', ({ context, events }) => {
    const template = Template.fromStack(configureSkiffApp(appWith({ config: 'acme/prow-config:plugins.yaml', bundle: 'false', ...context })));
    const webhooks = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties?.Environment?.Variables?.SKIFF_HANDLED_EVENTS);
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0]!.Properties.Environment.Variables.SKIFF_HANDLED_EVENTS.split(',')).toEqual(events([...handledEvents(pluginRegistry)].sort()));
  });

  it('passes the limits from context strings to the stack', () => {
    const stack = configureSkiffApp(
      appWith({ config: 'acme/prow-config:plugins.yaml', apiRateLimit: '7', apiBurstLimit: '9', webhookReservedConcurrency: '4', pluginsReservedConcurrency: '6' }),
    );
    expect(stack.settings).toMatchObject({ apiRateLimit: 7, apiBurstLimit: 9, webhookReservedConcurrency: 4, pluginsReservedConcurrency: 6 });
    expect(configureSkiffApp(appWith({ config: 'acme/prow-config:plugins.yaml', reserveConcurrency: 'false' })).settings).toMatchObject({
      webhookReservedConcurrency: undefined,
      pluginsReservedConcurrency: undefined,
    });
  });

  it('documents every context key and its default in the README\'s Deploy to AWS section', () => {
    // Prepare: the section, up to the next second-level heading
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = /^## Deploy to AWS$([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    // Act: the settings table's rows, `| \`key\` | default | meaning |`
    const rows = new Map([...section.matchAll(/^\| `(\w+)` \| ([^|]*) \|/gm)].map((m) => [m[1], m[2]!.trim()]));
    // Assess
    expect([...rows.keys()].sort()).toEqual(contextKeys.filter((k) => k !== 'bundle').sort());
    for (const [key, value] of Object.entries(settingDefaults)) expect(rows.get(key), key).toContain(String(value));
  });

  it('tells the reader to subscribe the GitHub App to exactly the events the stack queues', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = /^## Deploy to AWS$([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    const listed = /`push` for config reloads: ((?:`\w+`(?:,\s+)?)+)\./.exec(section)?.[1]?.match(/\w+/g) ?? [];
    expect(listed).toEqual([...handledEvents(pluginRegistry)].sort());
  });

  it('builds the stack from context strings, with cdk-nag passing on the whole app', () => {
    // Prepare
    const app = appWith({
      config: 'acme/prow-config:plugins.yaml,config.yaml@main',
      stackName: 'SkiffStaging',
      pluginsMaxConcurrency: '8',
      alarmEmail: 'oncall@example.com',
      githubApiUrl: 'https://ghe.example.com/api/v3',
    });
    // Act: synthesizing runs the registered AwsSolutions plugin; under vitest (NODE_ENV=test) CDK
    // throws with the report if it finds anything unacknowledged.
    const stack = configureSkiffApp(app);
    const assembly = app.synth();
    // Assess
    expect(stack.stackName).toBe('SkiffStaging');
    expect(assembly.getStackByName('SkiffStaging').templateFile).toBe('SkiffStaging.template.json');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 8 } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: { SKIFF_CONFIG: 'acme/prow-config:plugins.yaml,config.yaml@main', GITHUB_API_URL: 'https://ghe.example.com/api/v3' },
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 1);
  });

  it('fails synthesis when a finding is not acknowledged', () => {
    // Prepare: drop every acknowledgement, so the stack's known findings surface.
    const acknowledge = Validations.prototype.acknowledge;
    Validations.prototype.acknowledge = () => undefined;
    let app: App;
    try {
      app = appWith({ config: 'acme/prow-config:plugins.yaml' });
      configureSkiffApp(app);
    } finally {
      Validations.prototype.acknowledge = acknowledge;
    }
    // Act / Assess: proves the plugin is registered and enforcing, not merely present.
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('is the app cdk.json runs, with no environment so synth needs no AWS credentials', () => {
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
    const stack = configureSkiffApp(appWith({ config: 'acme/prow-config:plugins.yaml' }));
    expect(stack.stackName).toBe('Skiff');
    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
  });
});
