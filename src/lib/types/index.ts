export * from './purchases';
export * from './users';
export * from './admin';
export * from './dashboard';
export * from './history';
export * from './credits';
export * from './reconcile';
export * from './webhooks';
