// Where the config lives: `SKIFF_CONFIG=owner/repo:path[,path2][@ref]`, or (local mode only)
// local file paths. Each row is one value of the variable and what it must mean.
import { describe, expect, it } from 'vitest';
import { ConfigLocationError, describeLocation, parseConfigLocation, type ConfigLocation } from '../../shared/config/location.js';

interface Case {
  name: string;
  value: string | undefined;
  /** Local mode accepts file paths; the Lambdas do not. */
  allowFiles: boolean;
  location?: ConfigLocation;
  /** The exact error message, or a pattern where the wording is not settled. */
  error?: string | RegExp;
}

const form = 'owner/repo:path[,path2][@ref]';

const cases: Case[] = [
  // The repo form.
  {
    name: 'one path, default branch',
    value: 'kubernetes/test-infra:config/prow/plugins.yaml',
    allowFiles: false,
    location: { kind: 'repo', owner: 'kubernetes', repo: 'test-infra', paths: ['config/prow/plugins.yaml'] },
  },
  {
    name: 'several paths',
    value: 'kubernetes/test-infra:config/prow/plugins.yaml,config/prow/config.yaml',
    allowFiles: false,
    location: {
      kind: 'repo',
      owner: 'kubernetes',
      repo: 'test-infra',
      paths: ['config/prow/plugins.yaml', 'config/prow/config.yaml'],
    },
  },
  {
    name: 'paths with a ref',
    value: 'acme/prow-config:plugins.yaml,config.yaml@main',
    allowFiles: false,
    location: { kind: 'repo', owner: 'acme', repo: 'prow-config', paths: ['plugins.yaml', 'config.yaml'], ref: 'main' },
  },
  {
    name: 'a ref containing slashes',
    value: 'acme/prow-config:prow/plugins.yaml@release/1.2',
    allowFiles: false,
    location: { kind: 'repo', owner: 'acme', repo: 'prow-config', paths: ['prow/plugins.yaml'], ref: 'release/1.2' },
  },
  {
    name: 'a fully qualified ref',
    value: 'acme/prow-config:plugins.yaml@refs/heads/release/1.2',
    allowFiles: false,
    location: { kind: 'repo', owner: 'acme', repo: 'prow-config', paths: ['plugins.yaml'], ref: 'refs/heads/release/1.2' },
  },
  {
    name: 'leading slashes are dropped from each path',
    value: 'acme/prow-config:/prow/plugins.yaml,//prow/config.yaml',
    allowFiles: false,
    location: { kind: 'repo', owner: 'acme', repo: 'prow-config', paths: ['prow/plugins.yaml', 'prow/config.yaml'] },
  },
  {
    name: 'spaces around the value, paths and ref are ignored',
    value: '  acme/prow-config: plugins.yaml , config.yaml @ main \n',
    allowFiles: false,
    location: { kind: 'repo', owner: 'acme', repo: 'prow-config', paths: ['plugins.yaml', 'config.yaml'], ref: 'main' },
  },
  {
    name: 'repo names may hold dots, underscores and dashes',
    value: 'my-org/.github_config.d:plugins.yaml',
    allowFiles: false,
    location: { kind: 'repo', owner: 'my-org', repo: '.github_config.d', paths: ['plugins.yaml'] },
  },
  {
    name: 'a directory, with or without a trailing slash, beside files',
    value: 'kubernetes/test-infra:config/prow/plugins.yaml,config/prow/config.yaml,config/jobs/',
    allowFiles: false,
    location: { kind: 'repo', owner: 'kubernetes', repo: 'test-infra', paths: ['config/prow/plugins.yaml', 'config/prow/config.yaml', 'config/jobs'] },
  },
  {
    name: "openshift's shard tree as one directory",
    value: 'openshift/release:core-services/prow/02_config@main',
    allowFiles: false,
    location: { kind: 'repo', owner: 'openshift', repo: 'release', paths: ['core-services/prow/02_config'], ref: 'main' },
  },
  {
    name: 'the repo form wins over files even where files are allowed',
    value: 'acme/prow-config:plugins.yaml@main',
    allowFiles: true,
    location: { kind: 'repo', owner: 'acme', repo: 'prow-config', paths: ['plugins.yaml'], ref: 'main' },
  },

  // Empty parts of the repo form.
  {
    name: 'empty path before the ref',
    value: 'acme/prow-config:@main',
    allowFiles: false,
    error: 'SKIFF_CONFIG "acme/prow-config:@main": empty file path',
  },
  {
    name: 'empty path between commas',
    value: 'acme/prow-config:plugins.yaml,,config.yaml',
    allowFiles: false,
    error: 'SKIFF_CONFIG "acme/prow-config:plugins.yaml,,config.yaml": empty file path',
  },
  {
    name: 'trailing comma',
    value: 'acme/prow-config:plugins.yaml,',
    allowFiles: true,
    error: 'SKIFF_CONFIG "acme/prow-config:plugins.yaml,": empty file path',
  },
  {
    name: 'a path that is only a slash',
    value: 'acme/prow-config:/',
    allowFiles: false,
    error: 'SKIFF_CONFIG "acme/prow-config:/": empty file path',
  },
  {
    name: 'empty ref after @',
    value: 'acme/prow-config:plugins.yaml@',
    allowFiles: false,
    error: 'SKIFF_CONFIG "acme/prow-config:plugins.yaml@": empty ref after "@"',
  },
  {
    name: 'blank ref after @',
    value: 'acme/prow-config:plugins.yaml@   ',
    allowFiles: true,
    error: 'SKIFF_CONFIG "acme/prow-config:plugins.yaml@": empty ref after "@"',
  },
  {
    name: 'no path at all, files not allowed',
    value: 'acme/prow-config:',
    allowFiles: false,
    error: `SKIFF_CONFIG "acme/prow-config:" is not of the form ${form}`,
  },

  // The file form.
  {
    name: 'one local file, files allowed',
    value: 'shared/local/default-config.yaml',
    allowFiles: true,
    location: { kind: 'file', paths: ['shared/local/default-config.yaml'] },
  },
  {
    name: 'several local files, files allowed',
    value: './prow/plugins.yaml, /etc/prow/config.yaml',
    allowFiles: true,
    location: { kind: 'file', paths: ['./prow/plugins.yaml', '/etc/prow/config.yaml'] },
  },
  {
    name: 'a local file where only the repo form is allowed',
    value: './prow/plugins.yaml',
    allowFiles: false,
    error: `SKIFF_CONFIG "./prow/plugins.yaml" is not of the form ${form}`,
  },
  {
    name: 'an absolute path where only the repo form is allowed',
    value: '/etc/prow/plugins.yaml',
    allowFiles: false,
    error: `SKIFF_CONFIG "/etc/prow/plugins.yaml" is not of the form ${form}`,
  },
  {
    name: 'owner/repo without a path where only the repo form is allowed',
    value: 'acme/prow-config',
    allowFiles: false,
    error: `SKIFF_CONFIG "acme/prow-config" is not of the form ${form}`,
  },
  {
    // A location with no file at all would load an empty config: no plugins, no warning.
    name: 'only commas, files allowed',
    value: ' , ',
    allowFiles: true,
    error: /^SKIFF_CONFIG ","/,
  },

  // Unset.
  {
    name: 'unset',
    value: undefined,
    allowFiles: true,
    error: `SKIFF_CONFIG is not set; expected ${form}`,
  },
  {
    name: 'empty',
    value: '',
    allowFiles: false,
    error: `SKIFF_CONFIG is not set; expected ${form}`,
  },
  {
    name: 'only whitespace',
    value: ' \t\n',
    allowFiles: true,
    error: `SKIFF_CONFIG is not set; expected ${form}`,
  },
];

describe('parseConfigLocation', () => {
  it.each(cases)('$name', ({ value, allowFiles, location, error }) => {
    // Prepare
    const parse = () => parseConfigLocation(value, { allowFiles });

    // Act + Assess
    if (error !== undefined) {
      expect(parse).toThrow(ConfigLocationError);
      expect(parse).toThrow(typeof error === 'string' ? new ConfigLocationError(error) : error);
    } else {
      expect(parse()).toEqual(location);
    }
  });
});

describe('describeLocation', () => {
  const rows = [
    { name: 'repo form without a ref', value: 'acme/prow-config:/plugins.yaml', described: 'acme/prow-config:plugins.yaml' },
    {
      name: 'repo form with several paths and a ref',
      value: 'acme/prow-config: plugins.yaml , config.yaml @ release/1.2',
      described: 'acme/prow-config:plugins.yaml,config.yaml@release/1.2',
    },
    { name: 'file form', value: 'a.yaml, b.yaml', described: 'a.yaml,b.yaml' },
  ];

  it.each(rows)('$name', ({ value, described }) => {
    // Prepare
    const location = parseConfigLocation(value, { allowFiles: true });

    // Act
    const text = describeLocation(location);

    // Assess: the description reads back as the same location.
    expect(text).toBe(described);
    expect(parseConfigLocation(text, { allowFiles: true })).toEqual(location);
  });
});
