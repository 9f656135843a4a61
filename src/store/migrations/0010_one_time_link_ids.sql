ALTER TABLE "one_time_links" ADD COLUMN "run_id" uuid;--> statement-breakpoint
ALTER TABLE "one_time_links" ADD COLUMN "action_key" text;--> statement-breakpoint
ALTER TABLE "one_time_links" ADD COLUMN "generation" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "one_time_links" ADD COLUMN "token_key_id" text;--> statement-breakpoint
CREATE INDEX "one_time_links_run" ON "one_time_links" USING btree ("run_id");--> statement-breakpoint
-- Links made before this migration: their step, from the key (the step's idempotency key, "<run id>:<step>").
UPDATE "one_time_links" SET "run_id" = split_part("key", ':', 1)::uuid, "action_key" = substr("key", strpos("key", ':') + 1)
WHERE "key" ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}:.';--> statement-breakpoint
-- The one-time link's address was kept in clear in the step's outcome, its attempts and its events: each
-- becomes the link's id and state. The tokens table only ever held hashes; those stay, so a link already
-- mailed still opens.
UPDATE "actions" SET "outcome" = jsonb_set(jsonb_set("outcome" #- '{data,linkUrl}', '{data,linkId}', to_jsonb("run_id"::text || ':' || "key" || '#1')), '{data,linkState}', '"created"')
WHERE "outcome" #> '{data,linkUrl}' IS NOT NULL;--> statement-breakpoint
UPDATE "actions" SET "outcome" = jsonb_set(jsonb_set("outcome" #- '{applied,data,linkUrl}', '{applied,data,linkId}', to_jsonb("run_id"::text || ':' || "key" || '#1')), '{applied,data,linkState}', '"created"')
WHERE "outcome" #> '{applied,data,linkUrl}' IS NOT NULL;--> statement-breakpoint
UPDATE "attempts" a SET "outcome" = jsonb_set(jsonb_set(a."outcome" #- '{data,linkUrl}', '{data,linkId}', to_jsonb(a."run_id"::text || ':' || s."key" || '#1')), '{data,linkState}', '"created"')
FROM "actions" s WHERE s."id" = a."action_id" AND a."outcome" #> '{data,linkUrl}' IS NOT NULL;--> statement-breakpoint
UPDATE "attempts" a SET "outcome" = jsonb_set(jsonb_set(a."outcome" #- '{applied,data,linkUrl}', '{applied,data,linkId}', to_jsonb(a."run_id"::text || ':' || s."key" || '#1')), '{applied,data,linkState}', '"created"')
FROM "actions" s WHERE s."id" = a."action_id" AND a."outcome" #> '{applied,data,linkUrl}' IS NOT NULL;--> statement-breakpoint
UPDATE "events" SET "detail" = jsonb_set(jsonb_set("detail" #- '{data,linkUrl}', '{data,linkId}', to_jsonb("run_id"::text || ':' || "action_key" || '#1')), '{data,linkState}', '"created"')
WHERE "detail" #> '{data,linkUrl}' IS NOT NULL AND "action_key" IS NOT NULL;--> statement-breakpoint
UPDATE "events" SET "detail" = jsonb_set(jsonb_set("detail" #- '{applied,data,linkUrl}', '{applied,data,linkId}', to_jsonb("run_id"::text || ':' || "action_key" || '#1')), '{applied,data,linkState}', '"created"')
WHERE "detail" #> '{applied,data,linkUrl}' IS NOT NULL AND "action_key" IS NOT NULL;--> statement-breakpoint
-- Anything else that carried a link's address (free text, a field of another name) keeps the path, not the token.
UPDATE "actions" SET "outcome" = regexp_replace("outcome"::text, '/credentials/[A-Za-z0-9_%-]+', '/credentials/[redacted]', 'g')::jsonb
WHERE "outcome"::text ~ '/credentials/[A-Za-z0-9_%-]+';--> statement-breakpoint
UPDATE "attempts" SET "outcome" = regexp_replace("outcome"::text, '/credentials/[A-Za-z0-9_%-]+', '/credentials/[redacted]', 'g')::jsonb
WHERE "outcome"::text ~ '/credentials/[A-Za-z0-9_%-]+';--> statement-breakpoint
UPDATE "events" SET "detail" = regexp_replace("detail"::text, '/credentials/[A-Za-z0-9_%-]+', '/credentials/[redacted]', 'g')::jsonb
WHERE "detail"::text ~ '/credentials/[A-Za-z0-9_%-]+';--> statement-breakpoint
UPDATE "events" SET "message" = regexp_replace("message", '/credentials/[A-Za-z0-9_%-]+', '/credentials/[redacted]', 'g')
WHERE "message" ~ '/credentials/[A-Za-z0-9_%-]+';
