export * from './decode-session.js';
export * from './generate.js';
export * from './sampling.js';
export * from './stop.js';
