// kindling: the library surface. Engine: `kindling/torch`.
export * as torch from './torch/index.js';
