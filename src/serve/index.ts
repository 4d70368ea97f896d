export { AbortedError, Batcher, type BatchInfo, type Job, type Scheduler } from './batcher.js';
export { type ChatMessage, ChatRenderer, parseMessages } from './chat.js';
export { ContinuousBatcher } from './continuous.js';
export { ApiError } from './errors.js';
export { Metrics } from './metrics.js';
export type { SamplingDefaults } from './params.js';
export { samplingDefaults } from './sampling-defaults.js';
export { type RunningServer, type ServeOptions, startServer } from './server.js';
