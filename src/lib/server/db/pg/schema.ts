export * from '../../ledger/pg/schema';
