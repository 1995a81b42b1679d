/**
 * After a push: reads what the registry now serves under the tag, with the step's credentials, and
 * checks that every requested platform is in it. A single-platform push may be a plain image
 * manifest; its platform is then read from the image's config blob.
 */
import type { Credentials } from './inputs.js';
import { missingPlatforms, platformsOfIndex, normalizePlatform, INDEX_TYPES, IMAGE_TYPES, type PlatformSpec } from './platforms.js';
import type { ImageRepository } from './reference.js';
import { RegistryApi, type HttpRequest } from './registry-api.js';

export interface Verification {
  /** `image:tag` that was read. */
  reference: string;
  digest: string;
  mediaType: string;
  found: string[];
  missing: string[];
}

export async function readPushed(
  repository: ImageRepository,
  tag: string,
  requested: readonly string[],
  credentials: Credentials | undefined,
  request?: HttpRequest,
): Promise<Verification> {
  const api = new RegistryApi(repository, credentials, request);
  const manifest = await api.manifest(tag);
  let found: string[];
  if (INDEX_TYPES.includes(manifest.mediaType) || Array.isArray(manifest.json.manifests)) {
    found = platformsOfIndex(manifest.json as { manifests?: [] });
  } else if (IMAGE_TYPES.includes(manifest.mediaType) || manifest.json.config) {
    const configDigest = (manifest.json.config as { digest?: string } | undefined)?.digest;
    const config = configDigest ? ((await api.blobJson(configDigest)) as PlatformSpec) : {};
    found = [normalizePlatform(config)];
  } else {
    throw new Error(`${repository.name}:${tag} is neither a manifest list nor an image (media type ${manifest.mediaType || 'unknown'})`);
  }
  found.sort();
  return { reference: `${repository.name}:${tag}`, digest: manifest.digest, mediaType: manifest.mediaType, found, missing: missingPlatforms(requested, found) };
}
