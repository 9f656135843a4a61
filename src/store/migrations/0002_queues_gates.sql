DROP INDEX "signals_run";--> statement-breakpoint
DROP INDEX "actions_claimable";--> statement-breakpoint
ALTER TABLE "actions" ADD COLUMN "queue" text DEFAULT 'default' NOT NULL;--> statement-breakpoint
-- Added empty, filled, then required: every signal stored so far was for the one gate a run could have.
ALTER TABLE "signals" ADD COLUMN "action_key" text;--> statement-breakpoint
UPDATE "signals" SET "action_key" = 'approval' WHERE "action_key" IS NULL;--> statement-breakpoint
ALTER TABLE "signals" ALTER COLUMN "action_key" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "signals_step" ON "signals" USING btree ("run_id","action_key");--> statement-breakpoint
CREATE INDEX "actions_claimable" ON "actions" USING btree ("queue","run_at") WHERE state in ('ready', 'waiting', 'retry');--> statement-breakpoint
-- Approval steps stored before gates were generic become approval gates, waiting where they waited.
UPDATE "actions"
   SET "type" = 'engine.gate', "api" = 'gate',
       "params" = jsonb_build_object('kind', 'approval', 'who', coalesce("params"->>'policy', 'approver'),
                                     'ask', 'approve the plan as shown')
 WHERE "type" = 'engine.approval';--> statement-breakpoint
INSERT INTO "tenant_limits" ("tenant", "api", "concurrency", "rate_per_second", "tokens")
SELECT 'engine', 'gate', 1000, 1000, 1000 WHERE EXISTS (SELECT 1 FROM "actions" WHERE "type" = 'engine.gate')
ON CONFLICT DO NOTHING;--> statement-breakpoint
-- Blocked steps used to store a "skipped" outcome whose reason named the failed step.
UPDATE "actions"
   SET "outcome" = jsonb_build_object(
         'kind', 'blocked', 'reason', "outcome"->>'reason',
         'by', CASE WHEN "outcome"->>'reason' ~ '^not run: .* failed$'
                    THEN jsonb_build_array(substring("outcome"->>'reason' from '^not run: (.*) failed$'))
                    ELSE '[]'::jsonb END)
 WHERE "state" = 'blocked' AND "outcome"->>'kind' = 'skipped';
