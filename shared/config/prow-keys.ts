// The top-level keys Prow reads, so a key Skiff does not implement yet is told apart from a typo.
// From the json tags of kubernetes-sigs/prow's structs: plugins.Configuration
// (pkg/plugins/config.go) for plugins.yaml, and config.ProwConfig and config.JobConfig
// (pkg/config/config.go) for config.yaml and the job files.

export const prowPluginConfigKeys: readonly string[] = [
  'plugins',
  'external_plugins',
  'owners',
  'approve',
  'blockades',
  'blunderbuss',
  'rifle',
  'bugzilla',
  'branch_cleaner',
  'cat',
  'cherry_pick_approved',
  'cherry_pick_unapproved',
  'config_updater',
  'dco',
  'golint',
  'goose',
  'heart',
  'label',
  'lgtm',
  'jira',
  'milestone_applier',
  'release_note',
  'repo_milestone',
  'project_config',
  'project_manager',
  'require_matching_label',
  'retitle',
  'slack',
  'sigmention',
  'size',
  'triggers',
  'welcome',
  'override',
  'help',
  'invalid_commit_msg',
];

export const prowConfigKeys: readonly string[] = [
  'config_version_sha',
  'tide',
  'plank',
  'pipeline',
  'sinker',
  'deck',
  'branch-protection',
  'gerrit',
  'github_reporter',
  'horologium',
  'slack_reporter_configs',
  'in_repo_config',
  'gangway',
  'moonraker',
  'scheduler',
  'jenkins_operators',
  'prowjob_namespace',
  'pod_namespace',
  'log_level',
  'push_gateway',
  'owners_dir_denylist',
  'pubsub_subscriptions',
  'pubsub_triggers',
  'github',
  'status_error_link',
  'default_job_timeout',
  'managed_webhooks',
  'prowjob_default_entries',
  'disabled_clusters',
];

export const prowJobConfigKeys: readonly string[] = ['presets', 'presubmits', 'postsubmits', 'periodics', 'decorate_all_jobs', 'prow_ignored'];

const all = new Set([...prowPluginConfigKeys, ...prowConfigKeys, ...prowJobConfigKeys]);

export const isProwKey = (key: string): boolean => all.has(key);

export const allProwKeys: readonly string[] = [...all];
