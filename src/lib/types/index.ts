export * from './purchases';
export * from './users';
export * from './admin';
export * from './dashboard';
export * from './api';
