CREATE TABLE "workflow_versions" (
	"client_id" text NOT NULL,
	"kind" text NOT NULL,
	"version" integer NOT NULL,
	"overlay" jsonb NOT NULL,
	"saved_by" text NOT NULL,
	"saved_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_versions_client_id_kind_version_pk" PRIMARY KEY("client_id","kind","version"),
	CONSTRAINT "workflow_versions_kind" CHECK ("workflow_versions"."kind" in ('onboard', 'offboard')),
	CONSTRAINT "workflow_versions_version" CHECK ("workflow_versions"."version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "workflow_versions" ADD CONSTRAINT "workflow_versions_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;