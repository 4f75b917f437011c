-- What drizzle-kit cannot express: immutable history, the views the reads share, the system accounts.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% are immutable', TG_TABLE_NAME USING ERRCODE = 'raise_exception';
END $$;--> statement-breakpoint
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();--> statement-breakpoint
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();--> statement-breakpoint
CREATE TRIGGER transfers_no_truncate BEFORE TRUNCATE ON transfers FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();--> statement-breakpoint
CREATE TRIGGER allocations_no_update BEFORE UPDATE ON allocations FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();--> statement-breakpoint
CREATE TRIGGER allocations_no_delete BEFORE DELETE ON allocations FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();--> statement-breakpoint
CREATE TRIGGER allocations_no_truncate BEFORE TRUNCATE ON allocations FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();--> statement-breakpoint
-- Lots as they stand, counting what spends drew from an account's current lot (always none here).
CREATE VIEW lots_now AS SELECT l.id, l.account_id, l.transfer_id, l.category, l.amount,
	l.remaining - CASE WHEN a.current_lot_id = l.id THEN a.current_lot_drawn ELSE 0 END AS remaining,
	l.held, l.debt_paid, l.expires_at, l.created_at
	FROM lots l JOIN accounts a ON a.id = l.account_id;--> statement-breakpoint
-- Every draw of a transfer on a lot, whether recorded on the transfer itself or in allocations.
CREATE VIEW draws AS SELECT id AS transfer_id, lot_id, amount FROM transfers WHERE lot_id IS NOT NULL
	UNION ALL SELECT transfer_id, lot_id, amount FROM allocations;--> statement-breakpoint
INSERT INTO accounts (id, kind, created_at, rolled_up_through) OVERRIDING SYSTEM VALUE VALUES
	(1, 'issued_purchase', (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 0),
	(2, 'issued_grant', (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 0),
	(3, 'spent', (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 0),
	(4, 'expired', (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 0),
	(5, 'clawed_back', (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 0),
	(6, 'adjusted', (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 0);--> statement-breakpoint
SELECT setval('accounts_id_seq', 6);
