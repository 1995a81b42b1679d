/**
 * The revision history of an app: a ConfigMap `<app>-deploy-history` holding one numbered entry
 * per deploy (image, digest and the rendered manifests compressed — Secrets left out — strategy,
 * colour, time, run URL, result). The last 10 are kept, fewer while the data exceeds 900 KiB (a
 * ConfigMap holds 1 MiB). A rollback redeploys an entry's image and manifests.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ReleaseRecord } from './annotations.js';
import { KubeApiError, type Cluster } from './kube.js';
import type { KubeObject } from './model.js';

export const HISTORY_LIMIT = 10;
export const HISTORY_MAX_BYTES = 900 * 1024;
const KEY = /^revision-(\d+)$/;

export type RevisionResult = 'staged' | 'paused' | 'promoted' | 'failed' | 'aborted' | 'rolled-back';

/** A revision: what its release record says, and when, by which run, with what result and manifests. */
export interface RevisionEntry extends Pick<ReleaseRecord, 'revision' | 'from' | 'image' | 'digest' | 'strategy' | 'color'> {
  time: string;
  runUrl: string;
  result: RevisionResult;
  /** The rendered manifests, Secrets left out: gzip, base64. */
  manifests: string;
}

export const historyName = (app: string) => `${app}-deploy-history`;

/** Manifests as a history entry stores them: Secrets dropped (their values must not land in a ConfigMap). */
export function packManifests(objects: KubeObject[]): string {
  return gzipSync(JSON.stringify(objects.filter((object) => object.kind !== 'Secret'))).toString('base64');
}

export function unpackManifests(packed: string): KubeObject[] {
  return JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8'));
}

/** The entries of a history ConfigMap, oldest first; unreadable ones are skipped. */
export function parseHistory(configMap: KubeObject | undefined): RevisionEntry[] {
  const entries: RevisionEntry[] = [];
  for (const [key, value] of Object.entries((configMap?.data ?? {}) as Record<string, string>)) {
    if (!KEY.test(key)) continue;
    try {
      entries.push(JSON.parse(value));
    } catch {
      // a hand-edited entry: ignore it rather than fail every deploy
    }
  }
  return entries.sort((a, b) => a.revision - b.revision);
}

/** The ConfigMap data for `entries`: the newest 10, and the oldest dropped while it exceeds 900 KiB. */
export function historyData(entries: RevisionEntry[]): Record<string, string> {
  let kept = [...entries].sort((a, b) => a.revision - b.revision).slice(-HISTORY_LIMIT);
  const encode = (list: RevisionEntry[]) => Object.fromEntries(list.map((entry) => [`revision-${entry.revision}`, JSON.stringify(entry)]));
  const size = (data: Record<string, string>) => Object.entries(data).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
  while (kept.length > 1 && size(encode(kept)) > HISTORY_MAX_BYTES) kept = kept.slice(1);
  return encode(kept);
}

export function nextRevision(entries: RevisionEntry[]): number {
  return Math.max(0, ...entries.map((entry) => entry.revision)) + 1;
}

/**
 * What a rollback goes back to: revision `wanted` when given; otherwise the newest promoted
 * revision older than the one the live release came from — so a second rollback goes further
 * back, never forward.
 */
export function rollbackTarget(entries: RevisionEntry[], liveFrom: number | undefined, wanted?: number): RevisionEntry | undefined {
  if (wanted !== undefined) return entries.find((entry) => entry.revision === wanted);
  const before = liveFrom ?? Infinity;
  return [...entries].reverse().find((entry) => entry.result === 'promoted' && entry.revision < before && entry.from < before);
}

/** Reads, changes and writes the history, guarded by its resourceVersion (a 409 reads it again). */
export async function updateHistory(cluster: Cluster, namespace: string, app: string, change: (entries: RevisionEntry[]) => RevisionEntry[]): Promise<RevisionEntry[]> {
  const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: historyName(app), namespace };
  for (let attempt = 1; ; attempt++) {
    const current = await cluster.get(ref);
    const entries = change(parseHistory(current));
    const data = historyData(entries);
    try {
      if (current) await cluster.replace({ ...ref, metadata: { ...current.metadata }, data });
      else await cluster.create({ ...ref, metadata: { name: ref.name, namespace, labels: { 'sunday.dev/app': app } }, data });
      return parseHistory({ ...ref, metadata: {}, data });
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 409 && attempt < 5) continue;
      throw error;
    }
  }
}

/** Sets the result of one revision. */
export function setResult(cluster: Cluster, namespace: string, app: string, revision: number, result: RevisionResult): Promise<RevisionEntry[]> {
  return updateHistory(cluster, namespace, app, (entries) => entries.map((entry) => (entry.revision === revision ? { ...entry, result } : entry)));
}
