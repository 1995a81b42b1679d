/** What `docker buildx inspect` says, and the set-up it calls for: a docker-container builder, QEMU. Pure. */
import { builderSetup, parseInspect } from '../../actions/build-multiarch/buildx.js';

// buildx 0.17's output on a stock amd64 runner (the docker driver, no emulators registered).
const STOCK = `Name:          default
Driver:        docker
Last Activity: 2026-12-03 09:00:00 +0000 UTC

Nodes:
Name:             default
Endpoint:         default
Status:           running
BuildKit version: v0.16.0
Platforms:        linux/amd64, linux/amd64/v2, linux/amd64/v3, linux/386
Labels:
 org.mobyproject.buildkit.worker.moby.host-gateway-ip: 172.17.0.1`;

test('parses name, driver and every platform (the preferred one marked with *)', () => {
  expect(parseInspect(STOCK)).toEqual({ name: 'default', driver: 'docker', platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/386'] });
  expect(parseInspect('Name: b\nDriver: docker-container\nPlatforms: linux/arm64*, linux/amd64').platforms).toEqual(['linux/arm64', 'linux/amd64']);
});

test.each<[string, string | undefined, string[], string[]]>([
  ['stock runner, two platforms', STOCK, ['linux/amd64', 'linux/arm64'], ['buildx create', 'run --privileged']],
  ['stock runner, its own platform only', STOCK, ['linux/amd64'], []],
  ['docker-container builder with emulators', 'Driver: docker-container\nPlatforms: linux/amd64, linux/arm64, linux/arm/v7', ['linux/amd64', 'linux/arm64', 'linux/arm/v7'], []],
  ['docker-container builder without arm', 'Driver: docker-container\nPlatforms: linux/amd64', ['linux/amd64', 'linux/arm/v7'], ['run --privileged']],
])('%s', (_name, inspect, platforms, expected) => {
  const steps = builderSetup(inspect === undefined ? undefined : parseInspect(inspect), platforms).steps;
  expect(steps.map((step) => step.args.slice(0, 2).join(' '))).toEqual(expected);
});

test('QEMU is installed for the architectures missing, once each', () => {
  const [qemu] = builderSetup(parseInspect('Driver: docker-container\nPlatforms: linux/amd64'), ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6']).steps;
  expect(qemu.args).toEqual(['run', '--privileged', '--rm', 'tonistiigi/binfmt:qemu-v9.2.2', '--install', 'arm64,arm']);
});
