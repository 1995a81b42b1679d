/**
 * Third-party actions the suite's workflows pin by SHA, mapped to the stand-ins under
 * test/fixtures/third-party-actions/ (each says at its top what it stands in for). The pins are
 * read from the workflows, so a Dependabot bump keeps its mapping.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../harness.js';

export const STAND_INS_DIR = join(repoRoot, 'test', 'fixtures', 'third-party-actions');

const STAND_IN_OF: Record<string, string> = {
  'actions/checkout': 'checkout',
  'actions/setup-node': 'setup-node',
  'actions/upload-artifact': 'upload-artifact',
  'actions/download-artifact': 'download-artifact',
  'aquasecurity/setup-trivy': 'setup-trivy',
  'grafana/setup-k6-action': 'setup-k6',
};

/** Every `owner/repo@ref` of another owner that the suite's reusable workflows use. */
export function thirdPartyUses(workflowsDir = join(repoRoot, '.github', 'workflows')): string[] {
  const uses = new Set<string>();
  for (const file of readdirSync(workflowsDir)) {
    for (const match of readFileSync(join(workflowsDir, file), 'utf8').matchAll(/uses:\s*([\w.-]+\/[\w.-]+)(?:\/[^@\s]*)?@([\w.-]+)/g)) {
      if (match[1] !== 'sunday/actions') uses.add(`${match[1]}@${match[2]}`);
    }
  }
  return [...uses].sort();
}

/** `--local-repository` entries: each pinned third-party action → its stand-in; throws for one without. */
export function standInMappings(): Record<string, string> {
  const mappings: Record<string, string> = {};
  for (const use of thirdPartyUses()) {
    const repository = use.split('@')[0];
    const folder = STAND_IN_OF[repository];
    if (!folder) throw new Error(`${use} is used by a reusable workflow but has no stand-in under test/fixtures/third-party-actions/`);
    mappings[use] = join(STAND_INS_DIR, folder);
  }
  return mappings;
}
