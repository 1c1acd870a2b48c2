-- A rider's app sends each report with a key of its own (the Idempotency-Key header) and sends it
-- again with the same key when it did not hear the answer; the same key for the same station is the
-- same report, stored once. Reports sent before this migration, or without a key, have NULL.
ALTER TABLE report ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX report_idempotency ON report (station_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
