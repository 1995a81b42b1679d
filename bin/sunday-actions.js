#!/usr/bin/env node
// The `sunday-actions` command (docs/local-command.md). Its sources are TypeScript in cli/; tsx
// compiles them as they load, so there is no build step to remember.
import { register } from 'tsx/esm/api';

register();
await import('../cli/index.ts');
