/**
 * Our own check of calls to the suite's actions, which GitHub's parser skips and actionlint
 * cannot resolve (remote or local actions): every `uses: sunday/actions/<name>@ref` or
 * `./<name>` step passes only inputs that `<name>/action.yml` declares and every required one,
 * and every `steps.<id>.outputs.<name>` read from such a step is an output it declares.
 */
import type { ActionMetadata } from '../../runner/index.js';
import { SUITE_REPOSITORY } from './files.js';
import { isMapping, stringsIn, type Finding, type StepEntry, type Workflow } from './workflow.js';

/** The suite action a `uses:` names, or undefined for anything else. */
export function suiteActionOf(uses: string): { name: string; ref?: string } | undefined {
  const remote = new RegExp(`^${SUITE_REPOSITORY}/([^/@]+)@(.+)$`).exec(uses);
  if (remote && remote[1] !== '.github') return { name: remote[1], ref: remote[2] };
  const local = /^\.\/([^/]+)\/?$/.exec(uses);
  if (local && local[1] !== '.github') return { name: local[1] };
  return undefined;
}

function isRequired(name: string, contract: ActionMetadata): boolean {
  const spec = contract.inputs[name];
  return spec?.required === true && spec.default === undefined;
}

function checkStep(workflow: Workflow, entry: StepEntry, contract: ActionMetadata, name: string): Finding[] {
  const findings: Finding[] = [];
  const withPath = workflow.stepPath(entry, 'with');
  const given = isMapping(entry.step.with) ? entry.step.with : {};
  for (const input of Object.keys(given)) {
    if (!(input in contract.inputs)) {
      findings.push(
        workflow.finding([...withPath, input], 'action-input', `${name} has no input '${input}' (declared: ${Object.keys(contract.inputs).join(', ')})`),
      );
    }
  }
  for (const input of Object.keys(contract.inputs).filter((input) => isRequired(input, contract))) {
    if (!(input in given)) findings.push(workflow.finding(workflow.stepPath(entry, 'uses'), 'action-input', `${name} requires input '${input}'`));
  }
  return findings;
}

/** `steps.<id>.outputs.<name>` read anywhere in a job must name an output of that step's action. */
function checkOutputReads(workflow: Workflow, jobId: string, job: Record<string, unknown>, actionsById: Map<string, [string, ActionMetadata]>): Finding[] {
  const findings: Finding[] = [];
  for (const text of stringsIn(job)) {
    for (const [, stepId, output] of text.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const action = actionsById.get(stepId);
      if (action && !(output in action[1].outputs)) {
        findings.push(workflow.finding(['jobs', jobId], 'action-output', `step '${stepId}' (${action[0]}) has no output '${output}' (declared: ${Object.keys(action[1].outputs).join(', ')})`));
      }
    }
  }
  return findings;
}

export function checkActionCalls(workflow: Workflow, contracts: Map<string, ActionMetadata>): Finding[] {
  const findings: Finding[] = [];
  for (const { id: jobId, job } of workflow.jobs()) {
    const actionsById = new Map<string, [string, ActionMetadata]>();
    for (const entry of workflow.steps().filter((step) => step.jobId === jobId)) {
      const uses = entry.step.uses;
      if (typeof uses !== 'string') continue;
      const action = suiteActionOf(uses);
      if (!action) continue;
      const contract = contracts.get(action.name);
      if (!contract) {
        findings.push(workflow.finding(workflow.stepPath(entry, 'uses'), 'action-unknown', `${uses}: the suite has no action '${action.name}'`));
        continue;
      }
      findings.push(...checkStep(workflow, entry, contract, action.name));
      if (typeof entry.step.id === 'string') actionsById.set(entry.step.id, [action.name, contract]);
    }
    findings.push(...checkOutputReads(workflow, jobId, job, actionsById));
  }
  return findings;
}
