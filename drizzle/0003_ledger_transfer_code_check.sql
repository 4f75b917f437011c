-- SQLite's table rebuild, for the code CHECK: equalities instead of `IN` (see schema.ts, equalsOneOf).
-- Foreign keys are off while this runs (migrateDatabase turns them off around the migrator's transaction
-- and checks every reference afterwards). The view and triggers on `transfers` are made again.
DROP VIEW `draws`;--> statement-breakpoint
CREATE TABLE `__new_transfers` (
	`id` integer PRIMARY KEY NOT NULL,
	`debit_account_id` integer NOT NULL,
	`credit_account_id` integer NOT NULL,
	`user_account_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`code` text NOT NULL,
	`hold_id` integer,
	`idempotency_key` text NOT NULL,
	`request_hash` text,
	`reference` text,
	`reason` text,
	`actor` text NOT NULL,
	`balance_after` integer NOT NULL,
	`available_after` integer NOT NULL,
	`prev_id` integer,
	`lot_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`debit_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credit_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "transfers_code_check" CHECK(code = 'purchase' OR code = 'grant' OR code = 'spend' OR code = 'hold' OR code = 'capture' OR code = 'release' OR code = 'expire' OR code = 'refund' OR code = 'dispute' OR code = 'reinstate' OR code = 'adjust'),
	CONSTRAINT "transfers_amount_check" CHECK(amount > 0),
	CONSTRAINT "transfers_sides_check" CHECK(debit_account_id <> credit_account_id),
	CONSTRAINT "transfers_user_side_check" CHECK(user_account_id IN (debit_account_id, credit_account_id))
);
--> statement-breakpoint
INSERT INTO `__new_transfers`("id", "debit_account_id", "credit_account_id", "user_account_id", "amount", "code", "hold_id", "idempotency_key", "request_hash", "reference", "reason", "actor", "balance_after", "available_after", "prev_id", "lot_id", "created_at") SELECT "id", "debit_account_id", "credit_account_id", "user_account_id", "amount", "code", "hold_id", "idempotency_key", "request_hash", "reference", "reason", "actor", "balance_after", "available_after", "prev_id", "lot_id", "created_at" FROM `transfers`;--> statement-breakpoint
DROP TABLE `transfers`;--> statement-breakpoint
ALTER TABLE `__new_transfers` RENAME TO `transfers`;--> statement-breakpoint
CREATE UNIQUE INDEX `transfers_idempotency_key_unique` ON `transfers` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `transfers_reference_idx` ON `transfers` (`reference`) WHERE reference IS NOT NULL;--> statement-breakpoint
CREATE INDEX `transfers_hold_idx` ON `transfers` (`hold_id`) WHERE hold_id IS NOT NULL;--> statement-breakpoint
CREATE TRIGGER `transfers_no_update` BEFORE UPDATE ON `transfers` BEGIN SELECT RAISE(ABORT, 'transfers are immutable'); END;--> statement-breakpoint
CREATE TRIGGER `transfers_no_delete` BEFORE DELETE ON `transfers` BEGIN SELECT RAISE(ABORT, 'transfers are immutable'); END;--> statement-breakpoint
-- Every draw of a transfer on a lot, whether recorded on the transfer itself or in `allocations`.
CREATE VIEW `draws` AS SELECT id AS transfer_id, lot_id, amount FROM `transfers` WHERE lot_id IS NOT NULL
	UNION ALL SELECT transfer_id, lot_id, amount FROM `allocations`;
