/**
 * The hardening rules our workflows and templates follow (GitHub's "Security hardening for GitHub
 * Actions"), checked on the parsed files:
 *
 * - workflow-permissions  the workflow grants nothing at the top (`permissions: {}`)
 * - job-permissions       every job declares its own permissions; never write-all / read-all
 * - id-token              `id-token: write` only on jobs that reach AWS (pass role-to-assume),
 *                         and every such job has it
 * - id-token-pull-request in a reusable workflow, a job with `id-token: write` never runs for a
 *                         pull request (its `if:` says github.event_name != 'pull_request'): a
 *                         pull request's code must not be able to ask for an AWS role
 * - secret-scope          secrets reach only the steps that use them (a step's `with:`/`env:`, or
 *                         a reusable workflow's `secrets:`), never a job's or the workflow's `env:`
 * - expression-in-run     no `${{ … }}` inside `run:`; values reach scripts through `env:`
 *                         (GitHub pastes expressions into the script before the shell parses it)
 * - unpinned-action       every action or workflow that is not the suite's own is pinned to a full
 *                         commit SHA with its version in a comment; docker:// images by digest
 * - suite-ref             the suite's own actions by major tag (@v1) or SHA; `./<action>` only in
 *                         this repository's own workflows (elsewhere it resolves in the caller)
 * - pull-request-target   never triggered by pull_request_target
 * - concurrency-environment  a job with an environment holds a concurrency group naming that
 *                         environment, never cancelled half-way
 * - concurrency-shared    a caller and a reusable workflow never use the same group (GitHub
 *                         deadlocks or cancels one of them)
 */
import { SUITE_REPOSITORY } from './files.js';
import { expressionsIn, isMapping, type Finding, type JobEntry, type Mapping, type Workflow } from './workflow.js';

const FULL_SHA = /^[0-9a-f]{40}$/;
const UNTRUSTED = /\bgithub\.(event\.|head_ref\b)/;

function reachesAws(job: Mapping): boolean {
  const withBlocks = [job.with, ...(Array.isArray(job.steps) ? job.steps.map((step) => (isMapping(step) ? step.with : undefined)) : [])];
  return withBlocks.some((block) => isMapping(block) && typeof block['role-to-assume'] === 'string' && block['role-to-assume'] !== '');
}

function checkPermissions(workflow: Workflow): Finding[] {
  const findings: Finding[] = [];
  const top = workflow.data.permissions;
  if (!isMapping(top) || Object.keys(top).length > 0) {
    findings.push(workflow.finding(['permissions'], 'workflow-permissions', 'the workflow must grant nothing at the top (permissions: {}); each job asks for what it needs'));
  }
  for (const { id, job } of workflow.jobs()) {
    const path = ['jobs', id, 'permissions'];
    if (!('permissions' in job)) {
      findings.push(workflow.finding(['jobs', id], 'job-permissions', `job '${id}' declares no permissions`));
      continue;
    }
    if (typeof job.permissions === 'string') {
      findings.push(workflow.finding(path, 'job-permissions', `job '${id}': permissions '${job.permissions}' is not least privilege; list each scope`));
      continue;
    }
    const idToken = isMapping(job.permissions) ? job.permissions['id-token'] : undefined;
    const aws = reachesAws(job);
    if (idToken === 'write' && !aws) findings.push(workflow.finding(path, 'id-token', `job '${id}' asks for id-token: write but reaches no AWS role (no role-to-assume)`));
    if (idToken !== 'write' && aws) findings.push(workflow.finding(path, 'id-token', `job '${id}' assumes an AWS role but lacks id-token: write`));
  }
  return findings;
}

/** Reusable workflows can be called from a pull_request run; their OIDC jobs must refuse it. */
function checkIdTokenOnPullRequests(workflow: Workflow): Finding[] {
  if (!workflow.events.includes('workflow_call')) return [];
  return workflow.jobs().flatMap(({ id, job }) => {
    const idToken = isMapping(job.permissions) ? job.permissions['id-token'] : undefined;
    if (idToken !== 'write') return [];
    const condition = typeof job.if === 'string' ? job.if : '';
    if (/github\.event_name\s*!=\s*'pull_request'/.test(condition)) return [];
    return [workflow.finding(['jobs', id], 'id-token-pull-request', `job '${id}' holds id-token: write and can run for a pull request; add github.event_name != 'pull_request' to its if:`)];
  });
}

const SECRET = /\bsecrets\./;

/** A secret in a job's or the workflow's env reaches every step of it: only steps may hold one. */
function checkSecretScope(workflow: Workflow): Finding[] {
  const findings: Finding[] = [];
  const envSecrets = (env: unknown) => (isMapping(env) ? Object.entries(env).filter(([, value]) => typeof value === 'string' && SECRET.test(value)).map(([name]) => name) : []);
  for (const name of envSecrets(workflow.data.env)) {
    findings.push(workflow.finding(['env', name], 'secret-scope', `the workflow's env ${name} holds a secret: give it to the steps that use it`));
  }
  for (const { id, job } of workflow.jobs()) {
    for (const name of envSecrets(job.env)) {
      findings.push(workflow.finding(['jobs', id, 'env', name], 'secret-scope', `job '${id}': env ${name} holds a secret for every step; give it to the steps that use it`));
    }
  }
  return findings;
}

function checkRunScripts(workflow: Workflow): Finding[] {
  return workflow.steps().flatMap((entry) => {
    if (typeof entry.step.run !== 'string') return [];
    return expressionsIn(entry.step.run).map((expression) =>
      workflow.finding(
        workflow.stepPath(entry, 'run'),
        'expression-in-run',
        UNTRUSTED.test(expression)
          ? `untrusted \${{ ${expression} }} expanded inside run: (job '${entry.jobId}'); pass it through env:`
          : `\${{ ${expression} }} expanded inside run: (job '${entry.jobId}'); pass it through env:`,
      ),
    );
  });
}

function checkUses(workflow: Workflow, uses: string, path: Array<string | number>, ownWorkflow: boolean): Finding[] {
  if (uses.startsWith('./')) {
    return ownWorkflow ? [] : [workflow.finding(path, 'suite-ref', `${uses}: a local path resolves in the caller's checkout; use ${SUITE_REPOSITORY}/<name>@v1`)];
  }
  if (uses.startsWith('docker://')) {
    return /@sha256:[0-9a-f]{64}$/.test(uses) ? [] : [workflow.finding(path, 'unpinned-action', `${uses}: pin the image by digest`)];
  }
  const [target, ref = ''] = uses.split('@');
  if (target.startsWith(`${SUITE_REPOSITORY}/`)) {
    return /^v\d+$/.test(ref) || FULL_SHA.test(ref) ? [] : [workflow.finding(path, 'suite-ref', `${uses}: call the suite by its major tag (@v1) or a full commit SHA`)];
  }
  if (!FULL_SHA.test(ref)) return [workflow.finding(path, 'unpinned-action', `${uses}: pin to a full 40-character commit SHA`)];
  if (!/#\s*v?\d+(\.\d+)*/.test(workflow.restOfLine(path))) {
    return [workflow.finding(path, 'unpinned-action', `${uses}: add the version the SHA is, as a comment (# v1.2.3)`)];
  }
  return [];
}

function checkPins(workflow: Workflow, ownWorkflow: boolean): Finding[] {
  const findings: Finding[] = [];
  for (const { id, job } of workflow.jobs()) {
    if (typeof job.uses === 'string') findings.push(...checkUses(workflow, job.uses, ['jobs', id, 'uses'], ownWorkflow));
  }
  for (const entry of workflow.steps()) {
    if (typeof entry.step.uses === 'string') findings.push(...checkUses(workflow, entry.step.uses, workflow.stepPath(entry, 'uses'), ownWorkflow));
  }
  return findings;
}

function environmentName(job: Mapping): string | undefined {
  if (typeof job.environment === 'string') return job.environment;
  if (isMapping(job.environment) && typeof job.environment.name === 'string') return job.environment.name;
  return undefined;
}

function concurrencyOf(scope: Mapping): { group: string; cancelInProgress: unknown } | undefined {
  if (typeof scope.concurrency === 'string') return { group: scope.concurrency, cancelInProgress: false };
  if (isMapping(scope.concurrency) && typeof scope.concurrency.group === 'string') {
    return { group: scope.concurrency.group, cancelInProgress: scope.concurrency['cancel-in-progress'] ?? false };
  }
  return undefined;
}

function checkEnvironmentConcurrency(workflow: Workflow, { id, job }: JobEntry): Finding[] {
  const environment = environmentName(job);
  if (environment === undefined) return [];
  const concurrency = concurrencyOf(job) ?? concurrencyOf(workflow.data);
  if (!concurrency) {
    return [workflow.finding(['jobs', id], 'concurrency-environment', `job '${id}' deploys to '${environment}' without a concurrency group`)];
  }
  const findings: Finding[] = [];
  // What names the environment in an expression: the values it can take (inputs.environment in
  // `x == 'y' && format('{0}-promote', inputs.environment) || inputs.environment`), not what it
  // is compared with.
  const names = expressionsIn(environment).flatMap((expression) => {
    const values = [...expression.matchAll(/\b((?:inputs|vars|needs\.[\w-]+\.outputs)\.[\w-]+)(\s*[!=]=)?/g)].filter((m) => !m[2]).map((m) => m[1]);
    return values.length ? [...new Set(values)] : [expression];
  });
  const mustName = names.length ? names : [environment];
  const groupText = concurrency.group.replace(/\s+/g, '');
  for (const name of mustName) {
    if (!groupText.includes(name.replace(/\s+/g, ''))) {
      findings.push(workflow.finding(['jobs', id, 'concurrency'], 'concurrency-environment', `job '${id}': concurrency group '${concurrency.group}' does not name its environment (${name})`));
    }
  }
  if (concurrency.cancelInProgress !== false) {
    findings.push(workflow.finding(['jobs', id, 'concurrency'], 'concurrency-environment', `job '${id}': a deploy must not be cancelled half-way (cancel-in-progress: false)`));
  }
  return findings;
}

/** Rules that look at one file; `ownWorkflow` marks this repository's own (self-*) workflows. */
export function checkSecurity(workflow: Workflow, ownWorkflow = false): Finding[] {
  const findings = [...checkPermissions(workflow), ...checkIdTokenOnPullRequests(workflow), ...checkSecretScope(workflow), ...checkRunScripts(workflow), ...checkPins(workflow, ownWorkflow)];
  if (workflow.events.includes('pull_request_target')) {
    findings.push(workflow.finding(['on'], 'pull-request-target', 'pull_request_target runs with secrets on code from forks; use pull_request'));
  }
  for (const job of workflow.jobs()) findings.push(...checkEnvironmentConcurrency(workflow, job));
  return findings;
}

/** The literal text of a group before its first expression: what two groups surely share. */
function literalPrefix(group: string): string {
  const index = group.indexOf('${{');
  return index === -1 ? group : group.slice(0, index);
}

interface GroupSite {
  workflow: Workflow;
  path: Array<string | number>;
  group: string;
}

function concurrencyGroups(workflow: Workflow): GroupSite[] {
  const sites: GroupSite[] = [];
  const top = concurrencyOf(workflow.data);
  if (top) sites.push({ workflow, path: ['concurrency'], group: top.group });
  for (const { id, job } of workflow.jobs()) {
    const own = concurrencyOf(job);
    if (own) sites.push({ workflow, path: ['jobs', id, 'concurrency'], group: own.group });
  }
  return sites;
}

/**
 * Callers (templates, workflows that call ours) and callees (reusable workflows) must never be
 * able to produce the same group: two groups whose literal prefixes are equal, or one a prefix of
 * the other, could. Expressions are not evaluated; the literal prefix is what is certain.
 */
export function checkSharedConcurrency(callers: Workflow[], callees: Workflow[]): Finding[] {
  const findings: Finding[] = [];
  const calleeSites = callees.flatMap(concurrencyGroups);
  for (const caller of callers.flatMap(concurrencyGroups)) {
    for (const callee of calleeSites) {
      const [a, b] = [literalPrefix(caller.group), literalPrefix(callee.group)];
      if (a.startsWith(b) || b.startsWith(a)) {
        findings.push(
          caller.workflow.finding(caller.path, 'concurrency-shared', `group '${caller.group}' can equal '${callee.group}' of ${callee.workflow.file}; give caller and callee distinct prefixes`),
        );
      }
    }
  }
  return findings;
}

