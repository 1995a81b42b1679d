/** The builder choice as a decision table over what the machine answers (probes stand in for the commands). */
import { chooseBuilder, type Probe, type Probes } from '../../actions/build-multiarch/builder.js';

const ok: Probe = { ok: true };
const no = (reason: string): Probe => ({ ok: false, reason });
const probes = (dockerDaemon: Probe, buildx: Probe, buildah: Probe): Probes => ({
  dockerDaemon: async () => dockerDaemon,
  buildx: async () => buildx,
  buildah: async () => buildah,
});

test.each<[string, 'auto' | 'buildx' | 'buildah', Probes, { name: string; notice?: string }]>([
  ['auto, daemon and buildx', 'auto', probes(ok, ok, ok), { name: 'buildx' }],
  ['auto, daemon without buildx', 'auto', probes(ok, no("docker: 'buildx' is not a docker command."), ok), { name: 'buildah', notice: "Building with buildah: a Docker daemon answers but `docker buildx version` failed (docker: 'buildx' is not a docker command.)." }],
  ['auto, no daemon', 'auto', probes(no('Cannot connect to the Docker daemon'), ok, ok), { name: 'buildah', notice: 'Building with buildah: no Docker daemon answers `docker version` (Cannot connect to the Docker daemon).' }],
  ['buildx asked, buildx works (a remote builder needs no local daemon)', 'buildx', probes(no('no daemon'), ok, no('x')), { name: 'buildx' }],
  ['buildah asked', 'buildah', probes(ok, ok, ok), { name: 'buildah' }],
])('%s', async (_name, choice, machine, expected) => {
  expect(await chooseBuilder(choice, machine)).toEqual(expected);
});

test.each<[string, 'auto' | 'buildx' | 'buildah', Probes, string]>([
  ['auto, nothing', 'auto', probes(no('docker: not found on PATH'), ok, no('buildah: not found on PATH')), 'No builder can run here: buildx needs a Docker daemon and the buildx plugin, but no Docker daemon answers `docker version` (docker: not found on PATH); and buildah is not usable (buildah: not found on PATH). Install buildx (docker/setup-buildx-action) or buildah.'],
  ['buildx asked, missing', 'buildx', probes(ok, no("docker: 'buildx' is not a docker command."), ok), "builder is buildx, but `docker buildx version` failed (docker: 'buildx' is not a docker command.). Add docker/setup-buildx-action before this step, or use builder: buildah"],
  ['buildah asked, missing', 'buildah', probes(ok, ok, no('buildah: not found on PATH')), 'builder is buildah, but buildah cannot run here: buildah: not found on PATH'],
])('%s: a clear error', async (_name, choice, machine, message) => {
  await expect(chooseBuilder(choice, machine)).rejects.toThrow(message);
});
