export * from '../../ledger/pg/schema';
export * from './app-schema';
