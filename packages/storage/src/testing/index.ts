export { describeStorageConformance } from './conformance.js';
export * from './span-builder.js';
