ALTER TABLE "audit_log" ADD COLUMN "key_id" text;--> statement-breakpoint
-- A plain UPDATE, DELETE or TRUNCATE of the audit log is refused. The table's owner (or a superuser) can
-- still disable the trigger: the keyed chain and the checkpoints outside the table catch what that allows.
CREATE FUNCTION "lifecycle_audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'audit entries are never changed or removed';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "lifecycle_audit_log_append_only"();
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "lifecycle_audit_log_append_only"();
