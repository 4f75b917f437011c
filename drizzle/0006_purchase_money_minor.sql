ALTER TABLE `purchases` RENAME COLUMN `amount` TO `amount_minor`;--> statement-breakpoint
ALTER TABLE `purchases` RENAME COLUMN `amount_paid` TO `amount_paid_minor`;--> statement-breakpoint
ALTER TABLE `purchases` RENAME COLUMN `amount_refunded` TO `amount_refunded_minor`;
