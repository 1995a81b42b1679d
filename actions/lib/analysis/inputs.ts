/**
 * The analysis inputs both deploy actions share: a spec input (`analysis`, `pre-promotion-analysis`,
 * `post-promotion-analysis`) and the Prometheus access inputs `prometheus-url`, `prometheus-auth`,
 * `prometheus-token`, `prometheus-region`. Pure and light: nothing here sends a request, so every
 * mistake is an input error before the deploy touches anything.
 */
import { InputError, parseDocument, parseUrl, readChoice, readString, type Env } from '../inputs.js';
import { parseRegion, type AwsInputs } from '../aws/inputs.js';
import { parseAnalysisSpec, type AnalysisSpec } from './spec.js';

export const PROMETHEUS_AUTH = ['none', 'bearer', 'basic', 'sigv4'] as const;
export type PrometheusAuthKind = (typeof PROMETHEUS_AUTH)[number];

export interface PrometheusAccess {
  url: URL;
  auth:
    | { kind: 'none' }
    | { kind: 'bearer'; token: string }
    | { kind: 'basic'; user: string; password: string }
    /** Credentials come from `role-to-assume` through GitHub OIDC when the analysis runs. */
    | { kind: 'sigv4'; region: string };
}

/** A spec input, inline YAML/JSON or a file path (the loader of `checks`); '' gives undefined. */
export async function readAnalysisSpec(name: string, env: Env = process.env, cwd?: string): Promise<AnalysisSpec | undefined> {
  const value = readString(name, env);
  if (!value) return undefined;
  return parseAnalysisSpec(name, await parseDocument(name, value, cwd));
}

/**
 * Where and how to reach Prometheus for `spec` (its `prometheus` wins over `prometheus-url`).
 * `prometheus-token` is returned unmasked: the caller masks it before its first log line.
 */
export function readPrometheusAccess(spec: AnalysisSpec, aws: AwsInputs | undefined, env: Env = process.env): PrometheusAccess {
  const inputUrl = readString('prometheus-url', env);
  const url = spec.prometheus ?? (inputUrl ? parseUrl('prometheus-url', inputUrl) : undefined);
  if (!url) throw new InputError('prometheus-url', "is required by the analysis (or give 'prometheus' in the spec)");
  const kind = readChoice('prometheus-auth', PROMETHEUS_AUTH, 'none', env);
  const token = readString('prometheus-token', env);
  switch (kind) {
    case 'none':
      return { url, auth: { kind } };
    case 'bearer':
      if (!token) throw new InputError('prometheus-token', 'is required when prometheus-auth is bearer');
      return { url, auth: { kind, token } };
    case 'basic': {
      const colon = token.indexOf(':');
      if (colon <= 0) throw new InputError('prometheus-token', "must be 'user:password' when prometheus-auth is basic");
      return { url, auth: { kind, user: token.slice(0, colon), password: token.slice(colon + 1) } };
    }
    case 'sigv4': {
      if (!aws) throw new InputError('role-to-assume', 'is required when prometheus-auth is sigv4: the request is signed with the credentials of that role, taken through GitHub OIDC');
      const region = readString('prometheus-region', env);
      return { url, auth: { kind, region: region ? parseRegion(region, 'prometheus-region') : aws.region } };
    }
  }
}
