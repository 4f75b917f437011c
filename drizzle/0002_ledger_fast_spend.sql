-- Hand-written (drizzle-kit would rebuild `accounts`; ADD COLUMN keeps its rows and references in place).
-- A spend now writes three pages: its transfer, its idempotency key and the user's account row.
-- See docs/ledger.md, "What a spend writes".
ALTER TABLE `accounts` ADD `last_transfer_id` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `current_lot_id` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `current_lot_drawn` integer DEFAULT 0 NOT NULL CONSTRAINT "accounts_current_lot_check" CHECK(current_lot_drawn >= 0 AND (current_lot_id IS NOT NULL OR current_lot_drawn = 0));--> statement-breakpoint
ALTER TABLE `accounts` ADD `rolled_up_through` integer;--> statement-breakpoint
ALTER TABLE `transfers` ADD `prev_id` integer;--> statement-breakpoint
ALTER TABLE `transfers` ADD `lot_id` integer;--> statement-breakpoint
-- Link existing history into per-account chains; the immutability trigger is lifted for this backfill only.
DROP TRIGGER `transfers_no_update`;--> statement-breakpoint
UPDATE `transfers` SET `prev_id` = (SELECT max(p.id) FROM `transfers` p
	WHERE p.user_account_id = `transfers`.user_account_id AND p.id < `transfers`.id);--> statement-breakpoint
CREATE TRIGGER `transfers_no_update` BEFORE UPDATE ON `transfers` BEGIN SELECT RAISE(ABORT, 'transfers are immutable'); END;--> statement-breakpoint
UPDATE `accounts` SET `last_transfer_id` = (SELECT max(t.id) FROM `transfers` t WHERE t.user_account_id = `accounts`.id)
	WHERE `kind` = 'user';--> statement-breakpoint
UPDATE `accounts` SET `rolled_up_through` = coalesce((SELECT max(id) FROM `transfers`), 0) WHERE `user_id` IS NULL;--> statement-breakpoint
DROP INDEX `transfers_account_idx`;--> statement-breakpoint
-- Lots as they stand, counting what spends drew from an account's current lot.
CREATE VIEW `lots_now` AS SELECT l.id, l.account_id, l.transfer_id, l.category, l.amount,
	l.remaining - CASE WHEN a.current_lot_id = l.id THEN a.current_lot_drawn ELSE 0 END AS remaining,
	l.held, l.debt_paid, l.expires_at, l.created_at
	FROM `lots` l JOIN `accounts` a ON a.id = l.account_id;--> statement-breakpoint
-- Every draw of a transfer on a lot, whether recorded on the transfer itself or in `allocations`.
CREATE VIEW `draws` AS SELECT id AS transfer_id, lot_id, amount FROM `transfers` WHERE lot_id IS NOT NULL
	UNION ALL SELECT transfer_id, lot_id, amount FROM `allocations`;
