// kindling/torch — a PyTorch-shaped tensor library over libtorch.
export * from './autograd.js';
export * from './creation.js';
export * as distributed from './distributed.js';
export * from './dtype.js';
export * from './info.js';
export * from './memory.js';
export * as nn from './nn.js';
export * from './ops.js';
export * as optim from './optim.js';
export * from './random.js';
export { keep, scope, scopeDepth } from './scope.js';
export { Generator, type Scalar, Tensor, type TensorOrScalar } from './tensor.js';
