/**
 * The standalone emulator: `npm run kube-emulator -- --kubeconfig <path> [--strict]
 * [--fault-image <substring>=<mode>]... [--pace <ms>] [--namespace <ns>]`. Writes the kubeconfig,
 * prints one line `ready <server-url>`, and serves until SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { startKubeEmulator } from './server.js';
import { IMAGE_MODES, isImageMode, type ImageMode } from './types.js';

function fail(message: string): never {
  process.stderr.write(`kube-emulator: ${message}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      strict: { type: 'boolean', default: false },
      'fault-image': { type: 'string', multiple: true, default: [] },
      pace: { type: 'string' },
      namespace: { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  });
} catch (error) {
  fail((error as Error).message);
}
const { values } = parsed;
if (!values.kubeconfig) fail('--kubeconfig <path> is required');
const faultImages: Record<string, ImageMode> = {};
for (const spec of values['fault-image']) {
  const at = spec.lastIndexOf('=');
  const mode = spec.slice(at + 1) as ImageMode;
  if (at <= 0 || !isImageMode(mode)) fail(`--fault-image wants <substring>=<mode> with mode one of ${IMAGE_MODES.join(', ')}, errors:<N>, latency:<ms>; got ${JSON.stringify(spec)}`);
  faultImages[spec.slice(0, at)] = mode;
}
const pace = values.pace === undefined ? undefined : Number(values.pace);
if (pace !== undefined && !(pace >= 0)) fail(`--pace wants milliseconds; got ${JSON.stringify(values.pace)}`);

const emulator = await startKubeEmulator({ kubeconfigPath: values.kubeconfig, strict: values.strict, faultImages, pace, namespaces: values.namespace });
process.stdout.write(`ready ${emulator.url}\n`);
const shutdown = () => {
  void emulator.stop().then(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
