-- One set of table objects (SQLite's, src/lib/server/db/schema.ts) serves both backends, so every column
-- stores what SQLite stores: times as int8 ms since the epoch, flags as 0/1, JSON as text. Each table is
-- rewritten once, keeping its rows; a default is dropped before its column changes type (now() has no
-- cast to bigint) and set again after. The audit log's triggers are row triggers on UPDATE and DELETE,
-- which a rewrite does not fire; no view or function reads these tables.
ALTER TABLE "api_keys"
	ALTER COLUMN "created_at" DROP DEFAULT,
	ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint,
	ALTER COLUMN "created_at" SET DEFAULT (floor(extract(epoch from statement_timestamp()) * 1000))::bigint,
	ALTER COLUMN "last_used_at" SET DATA TYPE bigint USING (floor(extract(epoch from "last_used_at") * 1000))::bigint,
	ALTER COLUMN "revoked_at" SET DATA TYPE bigint USING (floor(extract(epoch from "revoked_at") * 1000))::bigint;--> statement-breakpoint
ALTER TABLE "api_responses"
	ALTER COLUMN "created_at" DROP DEFAULT,
	ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint,
	ALTER COLUMN "created_at" SET DEFAULT (floor(extract(epoch from statement_timestamp()) * 1000))::bigint;--> statement-breakpoint
ALTER TABLE "audit_log"
	ALTER COLUMN "created_at" DROP DEFAULT,
	ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint,
	ALTER COLUMN "created_at" SET DEFAULT (floor(extract(epoch from statement_timestamp()) * 1000))::bigint;--> statement-breakpoint
ALTER TABLE "purchases"
	ALTER COLUMN "created_at" DROP DEFAULT,
	ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint,
	ALTER COLUMN "created_at" SET DEFAULT (floor(extract(epoch from statement_timestamp()) * 1000))::bigint,
	ALTER COLUMN "updated_at" SET DATA TYPE bigint USING (floor(extract(epoch from "updated_at") * 1000))::bigint,
	ALTER COLUMN "paid_at" SET DATA TYPE bigint USING (floor(extract(epoch from "paid_at") * 1000))::bigint;--> statement-breakpoint
ALTER TABLE "sessions"
	ALTER COLUMN "expires_at" SET DATA TYPE bigint USING (floor(extract(epoch from "expires_at") * 1000))::bigint,
	ALTER COLUMN "last_verified_at" SET DATA TYPE bigint USING (floor(extract(epoch from "last_verified_at") * 1000))::bigint,
	ALTER COLUMN "created_at" DROP DEFAULT,
	ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint,
	ALTER COLUMN "created_at" SET DEFAULT (floor(extract(epoch from statement_timestamp()) * 1000))::bigint;--> statement-breakpoint
ALTER TABLE "stripe_events"
	ALTER COLUMN "created_at" DROP DEFAULT,
	ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint,
	ALTER COLUMN "created_at" SET DEFAULT (floor(extract(epoch from statement_timestamp()) * 1000))::bigint,
	ALTER COLUMN "processed_at" SET DATA TYPE bigint USING (floor(extract(epoch from "processed_at") * 1000))::bigint;--> statement-breakpoint
ALTER TABLE "stripe_prices"
	ALTER COLUMN "synced_at" SET DATA TYPE bigint USING (floor(extract(epoch from "synced_at") * 1000))::bigint;--> statement-breakpoint
ALTER TABLE "transfer_metadata"
	ALTER COLUMN "metadata" SET DATA TYPE text USING "metadata"::text;--> statement-breakpoint
ALTER TABLE "users"
	ALTER COLUMN "created_at" DROP DEFAULT,
	ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint,
	ALTER COLUMN "created_at" SET DEFAULT (floor(extract(epoch from statement_timestamp()) * 1000))::bigint;--> statement-breakpoint
ALTER TABLE "webhook_attempts"
	ALTER COLUMN "started_at" SET DATA TYPE bigint USING (floor(extract(epoch from "started_at") * 1000))::bigint,
	ALTER COLUMN "delivered" SET DATA TYPE integer USING "delivered"::integer;--> statement-breakpoint
ALTER TABLE "webhook_endpoints"
	ALTER COLUMN "event_types" SET DATA TYPE text USING "event_types"::text,
	ALTER COLUMN "enabled" DROP DEFAULT,
	ALTER COLUMN "enabled" SET DATA TYPE integer USING "enabled"::integer,
	ALTER COLUMN "enabled" SET DEFAULT 1,
	ALTER COLUMN "created_at" DROP DEFAULT,
	ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint,
	ALTER COLUMN "created_at" SET DEFAULT (floor(extract(epoch from statement_timestamp()) * 1000))::bigint,
	ALTER COLUMN "updated_at" SET DATA TYPE bigint USING (floor(extract(epoch from "updated_at") * 1000))::bigint;--> statement-breakpoint
ALTER TABLE "webhook_messages"
	ALTER COLUMN "next_attempt_at" SET DATA TYPE bigint USING (floor(extract(epoch from "next_attempt_at") * 1000))::bigint,
	ALTER COLUMN "claimed_until" SET DATA TYPE bigint USING (floor(extract(epoch from "claimed_until") * 1000))::bigint,
	ALTER COLUMN "created_at" DROP DEFAULT,
	ALTER COLUMN "created_at" SET DATA TYPE bigint USING (floor(extract(epoch from "created_at") * 1000))::bigint,
	ALTER COLUMN "created_at" SET DEFAULT (floor(extract(epoch from statement_timestamp()) * 1000))::bigint,
	ALTER COLUMN "delivered_at" SET DATA TYPE bigint USING (floor(extract(epoch from "delivered_at") * 1000))::bigint;
