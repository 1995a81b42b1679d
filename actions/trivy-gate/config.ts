/**
 * Reads and checks every input of trivy-gate at once, without loading anything heavy, so a typo
 * fails in milliseconds with one line naming the input.
 */
import { InputError, readBoolean, readInteger, readLines, readList, readString, type Env } from '../lib/inputs.js';
import { isImageReference } from '../lib/image-ref.js';
import { resolveWritablePath, writeRoots } from '../lib/paths.js';
import { BUDGET_SEVERITIES, SEVERITIES, type Severity } from './findings.js';
import type { Policy } from './policy.js';

export interface GateInputs {
  /** Paths or globs of reports, one per line; empty when `image` is scanned. */
  reports: string[];
  image?: string;
  policy: Policy;
  ignoreFile?: string;
  expiryWarningDays: number;
  baseline?: string;
  sarif?: string;
  failOnError: boolean;
}


function readSeverities(env: Env): Severity[] {
  const values = readList('severity', env).map((value) => value.toUpperCase());
  if (!values.length || values.some((value) => !(SEVERITIES as readonly string[]).includes(value))) {
    throw new InputError('severity', `must list severities among ${SEVERITIES.join(', ')}, separated by commas`);
  }
  return [...new Set(values as Severity[])];
}

/** Where to write SARIF: only inside the workspace or RUNNER_TEMP (checked before anything runs). */
function readSarifPath(env: Env, cwd: string): string | undefined {
  const value = readString('sarif', env);
  if (!value) return undefined;
  resolveWritablePath('sarif', value, writeRoots(env, cwd));
  return value;
}

export function readInputs(env: Env = process.env, cwd = process.cwd()): GateInputs {
  const reports = readLines('report', env);
  const image = readString('image', env) || undefined;
  if (!reports.length && !image) throw new InputError('report', "or 'image' is required: give a Trivy JSON report, or an image to scan");
  if (reports.length && image) throw new InputError('image', "cannot be used together with 'report': give one or the other");
  // Docker's grammar: no spaces, never read by Trivy as an option, no path or URL in disguise.
  if (image && !isImageReference(image)) throw new InputError('image', 'must be an image reference such as ghcr.io/owner/app:1.2.3');

  const budgets: Policy['budgets'] = {};
  for (const severity of BUDGET_SEVERITIES) {
    const budget = readInteger(`max-${severity.toLowerCase()}`, undefined, { min: 0 }, env);
    if (budget !== undefined) budgets[severity] = budget;
  }

  return {
    reports,
    image,
    policy: { severities: readSeverities(env), ignoreUnfixed: readBoolean('ignore-unfixed', true, env), budgets },
    ignoreFile: readString('ignore-file', env) || undefined,
    expiryWarningDays: readInteger('expiry-warning-days', 14, { min: 0 }, env),
    baseline: readString('baseline', env) || undefined,
    sarif: readSarifPath(env, cwd),
    failOnError: readBoolean('fail-on-error', true, env),
  };
}
