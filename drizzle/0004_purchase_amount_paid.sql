ALTER TABLE `purchases` ADD `amount_paid` integer;--> statement-breakpoint
ALTER TABLE `purchases` ADD `currency_paid` text;