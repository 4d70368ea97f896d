export * from './adapter-io.js';
export * from './config.js';
export * from './decoder.js';
export * from './kv-cache.js';
export * from './load.js';
export * from './logprobs.js';
export * from './lora.js';
export * from './safetensors.js';
