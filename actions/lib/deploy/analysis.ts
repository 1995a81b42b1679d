/**
 * The analyses of a deploy action: which spec inputs it has (`analysis`; `pre-promotion-analysis`,
 * `post-promotion-analysis`), read with the Prometheus access inputs before any request, and the
 * secrets they hold (masked before the first log line). Running one is DeploySession.judge().
 */
import { readAnalysisSpec, readPrometheusAccess, type PrometheusAccess } from '../analysis/inputs.js';
import type { AnalysisSpec } from '../analysis/spec.js';
import type { AwsInputs } from '../aws/inputs.js';
import type { Env } from '../inputs.js';

export interface AnalysisInput {
  /** The input that gave the spec, e.g. `analysis`: named in the summary and the failure. */
  input: string;
  spec: AnalysisSpec;
  access: PrometheusAccess;
}

/** Each named spec input that is given, with where to reach Prometheus for it; all validated here. */
export async function readAnalysisInputs(names: readonly string[], aws: AwsInputs | undefined, env: Env, cwd: string): Promise<AnalysisInput[]> {
  const analyses: AnalysisInput[] = [];
  for (const input of names) {
    const spec = await readAnalysisSpec(input, env, cwd);
    if (spec) analyses.push({ input, spec, access: readPrometheusAccess(spec, aws, env) });
  }
  return analyses;
}

export function analysisOf(analyses: AnalysisInput[], input: string): AnalysisInput | undefined {
  return analyses.find((analysis) => analysis.input === input);
}

/** What must be masked: a bearer token, a basic password and the `user:password` pair. */
export function analysisSecrets(analyses: AnalysisInput[]): string[] {
  const secrets = new Set<string>();
  for (const analysis of analyses) {
    const auth = analysis.access.auth;
    if (auth.kind === 'bearer') secrets.add(auth.token);
    if (auth.kind === 'basic') {
      secrets.add(auth.password);
      secrets.add(`${auth.user}:${auth.password}`);
    }
  }
  return [...secrets].filter(Boolean);
}
