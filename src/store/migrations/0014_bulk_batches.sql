CREATE TABLE "bulk_batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"kind" text NOT NULL,
	"state" text NOT NULL,
	"created_by" text NOT NULL,
	"created_by_email" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"submitted_by" text,
	"submitted_at" timestamp (3) with time zone,
	"excluded" integer[] DEFAULT '{}'::integer[] NOT NULL,
	CONSTRAINT "bulk_batches_kind" CHECK ("bulk_batches"."kind" in ('onboard', 'offboard')),
	CONSTRAINT "bulk_batches_state" CHECK ("bulk_batches"."state" in ('uploaded', 'submitting', 'submitted'))
);
--> statement-breakpoint
CREATE TABLE "bulk_rows" (
	"batch_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"values" jsonb NOT NULL,
	"errors" jsonb NOT NULL,
	"findings" jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	"plan_hash" text,
	"run_id" uuid,
	CONSTRAINT "bulk_rows_batch_id_line_pk" PRIMARY KEY("batch_id","line")
);
--> statement-breakpoint
ALTER TABLE "bulk_batches" ADD CONSTRAINT "bulk_batches_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_rows" ADD CONSTRAINT "bulk_rows_batch_id_bulk_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."bulk_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_rows" ADD CONSTRAINT "bulk_rows_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bulk_batches_client_created" ON "bulk_batches" USING btree ("client_id","created_at");