-- Synced prices are a cache of the last sync and nobody knows which Stripe the old rows came from:
-- they are dropped, and the next `npm start` or `npm run stripe:sync` records them again.
DROP TABLE `stripe_prices`;
--> statement-breakpoint
CREATE TABLE `stripe_prices` (
	`package_id` text PRIMARY KEY NOT NULL,
	`stripe_account` text NOT NULL,
	`product_id` text NOT NULL,
	`price_id` text NOT NULL,
	`unit_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`credits` integer NOT NULL,
	`synced_at` integer NOT NULL
);
