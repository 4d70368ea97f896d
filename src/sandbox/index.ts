export { SandboxPool } from './pool.js';
export type {
  CapturedOutput,
  PayloadValue,
  SandboxJob,
  SandboxOutcome,
  SandboxPoolOptions,
  SandboxResult,
} from './types.js';
