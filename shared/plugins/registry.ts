// Every plugin Skiff has, by Prow name. Adding a plugin is one line here; nothing registers
// itself on import, so this list is the whole truth. For one event, the enabled plugins run in
// this order, each under its own claim.
import type { Plugin } from './types.js';
import { approve } from './approve/index.js';
import { assign } from './assign/index.js';
import { blockade } from './blockade/index.js';
import { blunderbuss } from './blunderbuss/index.js';
import { branchcleaner } from './branchcleaner/index.js';
import { cherryPickUnapproved } from './cherry-pick-unapproved/index.js';
import { dco } from './dco/index.js';
import { help } from './help/index.js';
import { hold } from './hold/index.js';
import { invalidcommitmsg } from './invalidcommitmsg/index.js';
import { issueManagement } from './issue-management/index.js';
import { label } from './label/index.js';
import { lgtm } from './lgtm/index.js';
import { lifecycle } from './lifecycle/index.js';
import { mergecommitblocker } from './mergecommitblocker/index.js';
import { milestone } from './milestone/index.js';
import { milestoneapplier } from './milestoneapplier/index.js';
import { milestonestatus } from './milestonestatus/index.js';
import { needsRebase } from './needs-rebase/index.js';
import { override } from './override/index.js';
import { ownersLabel } from './owners-label/index.js';
import { releaseNote } from './release-note/index.js';
import { requireMatchingLabel } from './require-matching-label/index.js';
import { retitle } from './retitle/index.js';
import { shrug } from './shrug/index.js';
import { sigmention } from './sigmention/index.js';
import { skip } from './skip/index.js';
import { size } from './size/index.js';
import { stage } from './stage/index.js';
import { trigger } from './trigger/index.js';
import { verifyOwners } from './verify-owners/index.js';
import { welcome } from './welcome/index.js';
import { wip } from './wip/index.js';

export const plugins: readonly Plugin[] = [
  approve,
  assign,
  blockade,
  blunderbuss,
  branchcleaner,
  cherryPickUnapproved,
  dco,
  help,
  hold,
  invalidcommitmsg,
  issueManagement,
  label,
  lgtm,
  lifecycle,
  mergecommitblocker,
  milestone,
  milestoneapplier,
  milestonestatus,
  needsRebase,
  override,
  ownersLabel,
  releaseNote,
  requireMatchingLabel,
  retitle,
  shrug,
  sigmention,
  skip,
  size,
  stage,
  trigger,
  verifyOwners,
  welcome,
  wip,
];

export const pluginNames: readonly string[] = plugins.map((p) => p.name);
