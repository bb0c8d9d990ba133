/** torch.nn-shaped modules. */
export { Module, type StateDict, type StateValue, type LoadOptions } from './module.js';
export { ReLU } from './activation.js';
export { Linear, type LinearOptions } from './linear.js';
