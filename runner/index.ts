export { runAction, type RunOptions, type RunResult } from './run.js';
export { loadActionMetadata, resolveInputs, inputEnvName, type ActionMetadata, type InputSpec } from './metadata.js';
export { parseKeyValueFile, processCommands, findLeaks, mask, type Annotation } from './files.js';
export { resolveContext, contextVariables, type EventSpec, type JobContext } from './context.js';
