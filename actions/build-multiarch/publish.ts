/**
 * `mode: merge` and `mode: tag`: no builder, only the registry's HTTP API.
 * - merge: the single-platform images each native-runner job pushed by digest become one OCI image
 *   index (a platform per image, read from its config; an index pushed by buildx contributes its
 *   entries), put under every tag, then read back and verified like a build.
 * - tag: a digest already in the registry (verified to hold every platform) gets the tags, its
 *   manifest put unchanged under each — what the release template does after validate-release.
 * Tags an immutable ECR repository would refuse are skipped as in a build (see build.ts).
 */
import { INDEX_TYPES, IMAGE_TYPES, normalizePlatform, type PlatformSpec } from './platforms.js';
import { RegistryApi } from './registry-api.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: PlatformSpec;
  annotations?: Record<string, string>;
}

/** The index entries one pushed digest contributes: itself with its platform, or an index's entries. */
async function entriesOf(api: RegistryApi, digest: string): Promise<Descriptor[]> {
  const manifest = await api.rawManifest(digest);
  const json = JSON.parse(manifest.body) as { manifests?: Descriptor[]; config?: { digest?: string } };
  if (INDEX_TYPES.includes(manifest.mediaType) || Array.isArray(json.manifests)) return json.manifests ?? [];
  if (!IMAGE_TYPES.includes(manifest.mediaType) && !json.config) throw new Error(`${digest} is neither an image nor an index (media type ${manifest.mediaType || 'unknown'})`);
  const config = json.config?.digest ? ((await api.blobJson(json.config.digest)) as PlatformSpec) : {};
  const platform: PlatformSpec = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
  return [{ mediaType: manifest.mediaType, digest: manifest.digest, size: Buffer.byteLength(manifest.body), platform }];
}

/** One OCI index of every digest's images; two images of one platform are an error (which one would run?). */
export async function mergeDigests(api: RegistryApi, digests: readonly string[]): Promise<{ mediaType: string; body: string; platforms: string[] }> {
  const manifests: Descriptor[] = [];
  /** Normalised platform → digest, for duplicates; the names as written, for messages. */
  const seen = new Map<string, string>();
  const written: string[] = [];
  for (const digest of digests) {
    for (const entry of await entriesOf(api, digest)) {
      if (entry.platform && entry.platform.os !== 'unknown') {
        const platform = normalizePlatform(entry.platform);
        const other = seen.get(platform);
        if (other && other !== entry.digest) throw new Error(`Both ${other} and ${entry.digest} are ${platform}: give one digest per platform`);
        if (!other) written.push([entry.platform.os, entry.platform.architecture, entry.platform.variant].filter(Boolean).join('/'));
        seen.set(platform, entry.digest);
      }
      if (!manifests.some((m) => m.digest === entry.digest)) manifests.push(entry);
    }
  }
  const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests });
  return { mediaType: OCI_INDEX, body, platforms: written.sort() };
}

export interface Published {
  /** The digest every tag now names. */
  digest: string;
  tags: string[];
}

/**
 * mode: tag — the tags that already name `digest` (the version tag the release build pushed) are
 * left alone: an immutable repository refuses even the same manifest put again under its tag.
 */
export async function tagsAlreadyOn(api: RegistryApi, digest: string, tags: readonly string[]): Promise<string[]> {
  const already: string[] = [];
  for (const tag of tags) if ((await api.tagDigest(tag)) === digest) already.push(tag);
  return already;
}

/** Puts one manifest (the merged index, or the existing digest's own bytes) under every tag. */
export async function putUnderTags(api: RegistryApi, manifest: { mediaType: string; body: string }, tags: readonly string[]): Promise<Published> {
  let digest = '';
  for (const tag of tags) digest = await api.putManifest(tag, manifest.mediaType, manifest.body);
  return { digest, tags: [...tags] };
}
