/** The Kubernetes API emulator's public surface, for tests, benchmarks and `npm start`. */
export { startKubeEmulator, type KubeEmulator, type KubeEmulatorOptions, type StoreAccess } from './server.js';
export type { FaultHandle, FaultSpec } from './faults.js';
export type { RecordedRequest } from './http.js';
export { IMAGE_MODES, isImageMode, type ImageMode, type KubeObject } from './types.js';
export { imageTag } from './pods.js';
