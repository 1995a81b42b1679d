/**
 * Image references, split the way Docker splits them: the first path component is a registry
 * when it holds a `.` or a `:` or is `localhost`; otherwise the image is on Docker Hub.
 */
import { COMPONENT, HOST, MAX_REFERENCE_LENGTH } from '../lib/image-ref.js';

export interface ImageRepository {
  /** As the user wrote it (lower case), e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/sunday/api`. */
  name: string;
  /** Registry host with port, as credentials are stored for it: `docker.io`, `127.0.0.1:5000`. */
  registry: string;
  /** Repository path on that registry: `sunday/api`, `library/nginx` on Docker Hub. */
  path: string;
}

const REPOSITORY = new RegExp(`^(?:(${HOST})/)?(${COMPONENT}(?:/${COMPONENT})*)$`);
/** Docker's tag grammar. */
export const TAG = /^[\w][\w.-]{0,127}$/;

function isRegistryHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** Parses a repository without tag or digest; undefined when it is not one. */
export function parseRepository(value: string): ImageRepository | undefined {
  if (value.length > MAX_REFERENCE_LENGTH) return undefined; // before the regex: see lib/image-ref
  const firstSlash = value.indexOf('/');
  const first = firstSlash > 0 ? value.slice(0, firstSlash) : '';
  const hasHost = first !== '' && isRegistryHost(first);
  const match = REPOSITORY.exec(hasHost ? value : `docker.io/${value}`);
  if (!match) return undefined;
  const registry = hasHost ? match[1] : 'docker.io';
  let path = match[2];
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return { name: value, registry, path };
}

/** `localhost`, `127.0.0.0/8` and `[::1]` (any port): registries Docker speaks plain HTTP to by default. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The base URL of a registry's HTTP API: plain HTTP on loopback, HTTPS elsewhere; Docker Hub's API host. */
export function registryApiBase(registry: string): string {
  if (registry === 'docker.io') return 'https://registry-1.docker.io';
  return `${isLoopbackRegistry(registry) ? 'http' : 'https'}://${registry}`;
}
