ALTER TABLE `stripe_events` ADD `purchase_id` text;--> statement-breakpoint
ALTER TABLE `stripe_events` ADD `payment_intent_id` text;--> statement-breakpoint
CREATE INDEX `stripe_events_purchase_idx` ON `stripe_events` (`purchase_id`);--> statement-breakpoint
CREATE INDEX `stripe_events_payment_intent_idx` ON `stripe_events` (`payment_intent_id`);--> statement-breakpoint
CREATE INDEX `purchases_created_idx` ON `purchases` (`created_at`,`id`);--> statement-breakpoint
UPDATE `stripe_events` SET
	`purchase_id` = json_extract(`payload`, '$.data.object.metadata.purchase_id'),
	`payment_intent_id` = CASE
		WHEN json_extract(`payload`, '$.data.object.object') = 'payment_intent' THEN json_extract(`payload`, '$.data.object.id')
		WHEN json_type(`payload`, '$.data.object.payment_intent') = 'text' THEN json_extract(`payload`, '$.data.object.payment_intent')
		ELSE json_extract(`payload`, '$.data.object.payment_intent.id')
	END
WHERE json_valid(`payload`);
