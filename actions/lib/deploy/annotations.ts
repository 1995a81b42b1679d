/**
 * The one codec of the `sunday.dev/*` annotations: the audit trail on the stable Service, the
 * release record on the Service and on each colour's Deployment, and the scale-down deadline.
 * Nothing else reads or writes these keys, so what a run leaves behind is what the next one reads.
 */
import type { KubeObject } from './model.js';

export const ANNOTATIONS = {
  activeColor: 'sunday.dev/active-color',
  previousColor: 'sunday.dev/previous-color',
  image: 'sunday.dev/image',
  /** The commit (GitHub sha) deployed; the numbered history revision is in `release`. */
  revision: 'sunday.dev/revision',
  deployedBy: 'sunday.dev/deployed-by',
  runUrl: 'sunday.dev/run-url',
  deployedAt: 'sunday.dev/deployed-at',
  /** The selector the Service had before its first blue-green switch (migration), as JSON. */
  previousSelector: 'sunday.dev/previous-selector',
  /** The image and revision the previous colour served: a rollback must find them still there. */
  previousImage: 'sunday.dev/previous-image',
  previousRevision: 'sunday.dev/previous-revision',
  /** A hash of the manifests deployed, so that re-running the same deploy is a no-op. */
  manifestsHash: 'sunday.dev/manifests-hash',
  /** On a Deployment: staged and gated by mode deploy, waiting for mode promote. */
  staged: 'sunday.dev/staged',
  /** The release record (JSON, see ReleaseRecord): on the Service for the live release, on a Deployment for what it holds. */
  release: 'sunday.dev/release',
  /** On a Deployment that no longer serves: when it is to be scaled to zero (RFC 3339). */
  scaleDownAt: 'sunday.dev/scale-down-at',
} as const;

export type Strategy = 'blue-green' | 'canary';

/**
 * How far a release got. `staged`: running beside the live release, not (fully) switched to;
 * `switched-unchecked`: the Service serves it, post-checks not yet passed; `checked`: they passed;
 * `scaled-down`: the colour it replaced is at zero.
 */
export const STAGES = ['staged', 'switched-unchecked', 'checked', 'scaled-down'] as const;
export type ReleaseStage = (typeof STAGES)[number];

export interface ReleaseRecord {
  /** Its number in `<app>-deploy-history`. */
  revision: number;
  /** The revision whose image and manifests it runs: itself, or an older one a rollback redeployed. */
  from: number;
  image: string;
  /** The digest of the rendered manifests and image (deployHash). */
  digest: string;
  strategy: Strategy;
  color: string;
  stage: ReleaseStage;
  /** Canary: the share of traffic (by replica count) it reached, in percent. */
  weight?: number;
  /** Canary: the replicas both colours share while it runs (the live colour's count when it started). */
  total?: number;
}

export function encodeRelease(record: ReleaseRecord): string {
  const { revision, from, image, digest, strategy, color, stage, weight, total } = record;
  // A fixed key order, so equal records are equal text.
  return JSON.stringify({ revision, from, image, digest, strategy, color, stage, weight, total });
}

/** The release record of an object, or undefined when it has none (or one this version cannot read). */
export function decodeRelease(object: KubeObject | undefined): ReleaseRecord | undefined {
  const text = object?.metadata?.annotations?.[ANNOTATIONS.release];
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    if (!Number.isInteger(value?.revision) || typeof value.image !== 'string' || !STAGES.includes(value.stage)) return undefined;
    return { ...value, from: Number.isInteger(value.from) ? value.from : value.revision };
  } catch {
    return undefined;
  }
}

export interface RunInfo {
  revision: string;
  actor: string;
  runUrl: string;
}

/** The audit trail of a switch, as the next run reads it. */
export function auditAnnotations(active: string, image: string, run: RunInfo): Record<string, string> {
  return {
    [ANNOTATIONS.activeColor]: active,
    [ANNOTATIONS.image]: image,
    [ANNOTATIONS.revision]: run.revision,
    [ANNOTATIONS.deployedBy]: run.actor,
    [ANNOTATIONS.runUrl]: run.runUrl,
    [ANNOTATIONS.deployedAt]: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** Every sunday.dev/* annotation of a Service, and null for ours it lacks: restores it exactly. */
export function restoreAnnotations(service: KubeObject): Record<string, string | null> {
  const own = Object.fromEntries(Object.entries(service.metadata.annotations ?? {}).filter(([key]) => key.startsWith('sunday.dev/'))) as Record<string, string>;
  return { ...Object.fromEntries(Object.values(ANNOTATIONS).map((key) => [key, null])), ...own };
}

/** When a colour is due to be scaled to zero, or undefined when nothing is pending. */
export function scaleDownDeadline(deployment: KubeObject | undefined): number | undefined {
  const at = Date.parse(deployment?.metadata?.annotations?.[ANNOTATIONS.scaleDownAt] ?? '');
  return Number.isNaN(at) ? undefined : at;
}

export function deadlineAnnotation(atMs: number | null): Record<string, string | null> {
  return { [ANNOTATIONS.scaleDownAt]: atMs === null ? null : new Date(atMs).toISOString() };
}
