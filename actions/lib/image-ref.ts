/**
 * Image references, in Docker's grammar (distribution/reference): `[host[:port]/]path[:tag][@digest]`.
 * Shared by every action that takes an image, so `image` means the same everywhere. The length is
 * checked before any regex runs: the host pattern backtracks polynomially on a long hostile value.
 */

export const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
export const HOST = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::\\d+)?';
const TAG_PART = '[\\w][\\w.-]{0,127}';
const DIGEST_PART = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG_PART})?(?:@${DIGEST_PART})?$`);

/** Docker limits a repository name to 255 characters; a tag and a sha512 digest fit in 512 in all. */
export const MAX_REFERENCE_LENGTH = 512;

/** `ghcr.io/sunday/app:1.2.3`, `app@sha256:…`, `localhost:5000/app`: true when Docker would take it. */
export function isImageReference(value: string): boolean {
  return value.length <= MAX_REFERENCE_LENGTH && REFERENCE.test(value);
}
