CREATE TABLE "outbox_queue" (
	"transfer_id" bigint PRIMARY KEY NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox_queue" ADD CONSTRAINT "outbox_queue_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Queues every transfer posted while an endpoint is enabled; with none enabled it costs one small read.
CREATE FUNCTION outbox_enqueue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled = 1) THEN
		INSERT INTO outbox_queue (transfer_id) VALUES (NEW.id);
	END IF;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER transfers_outbox AFTER INSERT ON transfers FOR EACH ROW EXECUTE FUNCTION outbox_enqueue();
