CREATE TABLE "approval_links" (
	"id" uuid PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"action_key" text NOT NULL,
	"approver" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_key_id" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"viewed_at" timestamp (3) with time zone,
	"used_at" timestamp (3) with time zone,
	"decision" text,
	CONSTRAINT "approval_links_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "approval_links_decision" CHECK ("approval_links"."decision" in ('approve', 'reject')),
	CONSTRAINT "approval_links_used" CHECK (("approval_links"."used_at" is null) = ("approval_links"."decision" is null))
);
--> statement-breakpoint
ALTER TABLE "approval_links" ADD CONSTRAINT "approval_links_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_links_approver" ON "approval_links" USING btree ("run_id","action_key","approver");