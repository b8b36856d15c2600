// Webhook secrets in Prow's two forms (kubernetes-sigs/prow pkg/github/hmac.go): one plain secret,
// or the hierarchical HMAC file where `org/repo` beats `org` beats `'*'`, and only the most
// specific level present is tried.
import { describe, expect, it } from 'vitest';
import { HmacConfigError, parseHmacSecrets, tokensFor, type HmacSecrets } from '../../shared/hook/hmac.js';

describe('parseHmacSecrets', () => {
  const parsed: { name: string; text: string; want: HmacSecrets }[] = [
    { name: 'a plain secret is the global level', text: 'top-secret', want: { '*': [{ value: 'top-secret' }] } },
    { name: 'a plain secret is trimmed, as Prow trims it', text: '  top-secret \n', want: { '*': [{ value: 'top-secret' }] } },
    // Secrets that YAML reads as something other than a mapping are still one plain secret.
    { name: 'a secret that YAML reads as a number stays text', text: '0123456789', want: { '*': [{ value: '0123456789' }] } },
    { name: 'a secret that YAML reads as a comment stays text', text: '#s3cr3t', want: { '*': [{ value: '#s3cr3t' }] } },
    { name: 'a secret that YAML reads as a list stays text', text: '- s3cr3t', want: { '*': [{ value: '- s3cr3t' }] } },
    { name: 'a secret that is not valid YAML stays text', text: '"unterminated', want: { '*': [{ value: '"unterminated' }] } },
    {
      name: 'a hierarchical file keeps every level and token, in order',
      text: [
        "'*':",
        '  - value: global',
        '    created_at: 2023-01-01T00:00:00Z',
        'acme:',
        '  - value: acme-old',
        '  - value: acme-new',
        'acme/widgets:',
        '  - value: widgets',
      ].join('\n'),
      want: {
        '*': [{ value: 'global', created_at: '2023-01-01T00:00:00Z' }],
        acme: [{ value: 'acme-old' }, { value: 'acme-new' }],
        'acme/widgets': [{ value: 'widgets' }],
      },
    },
    { name: 'a file without a global level is allowed', text: 'acme:\n  - value: acme\n', want: { acme: [{ value: 'acme' }] } },
    // Prow accepts it too: that level then has no token, so its events are all rejected.
    { name: 'a level with an empty list is kept', text: "'*': []\n", want: { '*': [] } },
  ];

  it.each(parsed)('$name', ({ text, want }) => {
    // Act
    const secrets = parseHmacSecrets(text);

    // Assess
    expect(secrets).toEqual(want);
  });

  const invalid: { name: string; text: string; message: string }[] = [
    { name: 'an empty secret', text: '', message: 'hmac.yaml is empty' },
    { name: 'a blank secret', text: ' \n\t', message: 'hmac.yaml is empty' },
    { name: 'an empty mapping', text: '{}', message: 'hmac.yaml has no entries' },
    {
      name: 'a level that is a string, not a list',
      text: "'*': top-secret",
      message: 'hmac.yaml: "*" must be a list of {value, created_at} with non-empty values',
    },
    {
      name: 'a token without a value',
      text: 'acme:\n  - created_at: 2024-01-01\n',
      message: 'hmac.yaml: "acme" must be a list of {value, created_at} with non-empty values',
    },
    {
      name: 'a token with an empty value',
      text: "acme/widgets:\n  - value: ''\n",
      message: 'hmac.yaml: "acme/widgets" must be a list of {value, created_at} with non-empty values',
    },
    {
      name: 'a token whose value is a number',
      text: 'acme:\n  - value: 12345\n',
      message: 'hmac.yaml: "acme" must be a list of {value, created_at} with non-empty values',
    },
    {
      name: 'a list of plain strings instead of {value} entries',
      text: 'acme:\n  - s3cr3t\n',
      message: 'hmac.yaml: "acme" must be a list of {value, created_at} with non-empty values',
    },
  ];

  it.each(invalid)('rejects $name', ({ text, message }) => {
    // Act
    const parse = () => parseHmacSecrets(text, 'hmac.yaml');

    // Assess
    expect(parse).toThrow(HmacConfigError);
    expect(parse).toThrow(message);
  });

  it('names its error class', () => {
    // Act
    const parse = () => parseHmacSecrets('');

    // Assess
    expect(parse).toThrow(expect.objectContaining({ name: 'HmacConfigError' }));
  });
});

describe('tokensFor', () => {
  const hierarchical: HmacSecrets = {
    '*': [{ value: 'global' }],
    acme: [{ value: 'acme' }],
    'acme/widgets': [{ value: 'widgets-old' }, { value: 'widgets-new' }],
    'acme/empty': [],
  };

  const cases: { name: string; secrets: HmacSecrets; orgRepo: string; want: string[] }[] = [
    { name: 'a repo with its own level gets only that level', secrets: hierarchical, orgRepo: 'acme/widgets', want: ['widgets-old', 'widgets-new'] },
    { name: 'another repo of the org gets the org level', secrets: hierarchical, orgRepo: 'acme/gadgets', want: ['acme'] },
    { name: 'an org-level event gets the org level', secrets: hierarchical, orgRepo: 'acme', want: ['acme'] },
    { name: 'a repo of another org gets the global level', secrets: hierarchical, orgRepo: 'other/repo', want: ['global'] },
    { name: 'an event with no repo or org gets the global level', secrets: hierarchical, orgRepo: '', want: ['global'] },
    { name: 'an empty repo level hides the org and global levels', secrets: hierarchical, orgRepo: 'acme/empty', want: [] },
    { name: 'no matching level and no global level gives nothing', secrets: { acme: [{ value: 'acme' }] }, orgRepo: 'other/repo', want: [] },
    { name: 'a plain secret applies everywhere', secrets: { '*': [{ value: 'plain' }] }, orgRepo: 'acme/widgets', want: ['plain'] },
    // Levels are looked up by exact name, as Prow's map lookup does.
    { name: 'level names are case-sensitive', secrets: hierarchical, orgRepo: 'ACME/widgets', want: ['global'] },
    // GitHub allows an org called "constructor"; it has no level here, so '*' applies.
    { name: 'an org named like an Object.prototype member falls back to global', secrets: hierarchical, orgRepo: 'constructor/app', want: ['global'] },
    { name: 'an org-level event from an org named like an Object.prototype member', secrets: hierarchical, orgRepo: 'toString', want: ['global'] },
  ];

  it.each(cases)('$name', ({ secrets, orgRepo, want }) => {
    // Act
    const tokens = tokensFor(secrets, orgRepo);

    // Assess
    expect(tokens).toEqual(want);
  });
});

describe('parseHmacSecrets: a YAML bomb', () => {
  // Billion laughs: nine levels of ten aliases each would expand to 10⁹ strings.
  const bomb = ['a: &a ["lol"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');

  it('fails with an error naming the file, instead of expanding or being taken as a plain secret', () => {
    // Act
    const parse = () => parseHmacSecrets(bomb, 'HMAC file /etc/skiff/hmac.yaml');

    // Assess
    expect(parse).toThrow(HmacConfigError);
    expect(parse).toThrow(/^HMAC file \/etc\/skiff\/hmac\.yaml: Excessive alias count/);
  });
});
