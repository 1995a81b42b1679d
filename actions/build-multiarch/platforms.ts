/**
 * Which platforms a pushed manifest list (OCI image index or Docker manifest list) really holds,
 * compared with those asked for. Attestation entries (`unknown/unknown`, buildx's provenance and
 * SBOM) are not platforms. Variants are compared as Docker normalises them: `linux/arm64` is
 * `linux/arm64/v8`, `linux/arm` is `linux/arm/v7`, `linux/amd64` is `linux/amd64/v1`.
 */

export const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
export const IMAGE_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

export interface PlatformSpec {
  os?: string;
  architecture?: string;
  variant?: string;
}

interface IndexEntry {
  platform?: PlatformSpec;
  annotations?: Record<string, string>;
}

const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7', amd64: 'v1' };

export function normalizePlatform({ os, architecture, variant }: PlatformSpec): string {
  const arch = architecture ?? 'unknown';
  const v = variant || DEFAULT_VARIANT[arch];
  return [os ?? 'unknown', arch, v].filter(Boolean).join('/');
}

export function parsePlatform(text: string): PlatformSpec {
  const [os, architecture, variant] = text.split('/');
  return { os, architecture, variant };
}

function isAttestation(entry: IndexEntry): boolean {
  return entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || (entry.platform?.os === 'unknown' && entry.platform?.architecture === 'unknown');
}

/** `os/arch[/variant]` of each image in an index, as written there (attestations left out). */
export function platformsOfIndex(index: { manifests?: IndexEntry[] }): string[] {
  return (index.manifests ?? [])
    .filter((entry) => !isAttestation(entry))
    .map((entry) => [entry.platform?.os ?? 'unknown', entry.platform?.architecture ?? 'unknown', entry.platform?.variant].filter(Boolean).join('/'));
}

/** The requested platforms that `found` does not hold. */
export function missingPlatforms(requested: readonly string[], found: readonly string[]): string[] {
  const have = new Set(found.map((p) => normalizePlatform(parsePlatform(p))));
  return requested.filter((p) => !have.has(normalizePlatform(parsePlatform(p))));
}
