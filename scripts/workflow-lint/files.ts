/** The files the workflow checks cover, and the action contracts they are checked against. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadActionMetadata, type ActionMetadata } from '../../runner/index.js';
import { Workflow } from './workflow.js';

/** How consumers (and our reusable workflows) name this repository in `uses:`. */
export const SUITE_REPOSITORY = 'sunday/actions';

/** The reusable workflows consumers call, by file name under .github/workflows/. */
export const REUSABLE_WORKFLOWS = ['ci.yml', 'cd.yml', 'e2e.yml'];

export interface WorkflowSet {
  /** on: workflow_call workflows other repositories call. */
  reusable: Workflow[];
  /** This repository's own workflows (self-*.yml). */
  own: Workflow[];
  /** workflow-templates/*.yml, copied into Sunday repositories. */
  templates: Workflow[];
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

export function loadWorkflows(root: string): WorkflowSet {
  const workflows = yamlFiles(join(root, '.github', 'workflows')).map((path) => Workflow.load(path, root));
  return {
    reusable: workflows.filter((w) => REUSABLE_WORKFLOWS.some((name) => w.file.endsWith(`/${name}`))),
    own: workflows.filter((w) => !REUSABLE_WORKFLOWS.some((name) => w.file.endsWith(`/${name}`))),
    templates: yamlFiles(join(root, 'workflow-templates')).map((path) => Workflow.load(path, root)),
  };
}

export function allWorkflows(set: WorkflowSet): Workflow[] {
  return [...set.reusable, ...set.own, ...set.templates];
}

/** The suite's actions: every root folder holding an action.yml, by folder name. */
export function loadActionContracts(root: string): Map<string, ActionMetadata> {
  const contracts = new Map<string, ActionMetadata>();
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(root, entry.name, 'action.yml'))) {
      contracts.set(entry.name, loadActionMetadata(join(root, entry.name)));
    }
  }
  return contracts;
}
