// infra/skiff-app.ts: cdk context → stack, and cdk-nag wired so that any finding fails synthesis.
import { readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { configureSkiffApp } from '../../infra/skiff-app.js';

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
