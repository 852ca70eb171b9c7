export * from './common';
export * from './routing';
export * from './keys';
export * from './observability';
export * from './accounts';
export * from './chart-colors';
export * from './attempts';
export * from './split';
