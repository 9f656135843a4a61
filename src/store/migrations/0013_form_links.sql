CREATE TABLE "form_links" (
	"id" uuid PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"kind" text NOT NULL,
	"label" text,
	"token_hash" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	"revoked_by" text,
	CONSTRAINT "form_links_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "form_links_kind" CHECK ("form_links"."kind" in ('onboard', 'offboard'))
);
--> statement-breakpoint
CREATE TABLE "form_submissions" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"form_link_id" uuid NOT NULL,
	"status_token_hash" text NOT NULL,
	"token_key_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "form_submissions_status_token_hash_unique" UNIQUE("status_token_hash")
);
--> statement-breakpoint
ALTER TABLE "form_links" ADD CONSTRAINT "form_links_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_form_link_id_form_links_id_fk" FOREIGN KEY ("form_link_id") REFERENCES "public"."form_links"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "form_links_client" ON "form_links" USING btree ("client_id","created_at");