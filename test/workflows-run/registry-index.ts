/** Reads what the local registry holds for an image reference: the index and its platforms. */
import type { World } from './world.js';

export interface IndexView {
  digest: string;
  platforms: string[];
}

export async function registryIndex(world: World, imageRef: string): Promise<IndexView> {
  const [repository, digest] = imageRef.slice(world.registry.host.length + 1).split('@');
  const response = await fetch(`${world.registry.url}/v2/${repository}/manifests/${digest}`, {
    headers: { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json', authorization: world.registryAuth },
  });
  if (response.status !== 200) throw new Error(`registry: ${imageRef} → HTTP ${response.status}`);
  const index = (await response.json()) as { manifests?: Array<{ platform?: { os: string; architecture: string } }> };
  return {
    digest: response.headers.get('docker-content-digest') ?? '',
    platforms: (index.manifests ?? []).map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort(),
  };
}
