// torch.nn: functional ops and utilities (modules are plain TypeScript classes in src/model).
export * as functional from './functional.js';

import { clipGradNorm_ } from './optim.js';
export const utils = { clipGradNorm_ };
