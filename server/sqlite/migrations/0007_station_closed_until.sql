-- The day a temporarily closed station expects to open again ("2026-12-20"), or '' when not said.
-- The column is read and written through station.Fields like every plain text field.
ALTER TABLE station ADD COLUMN closed_until TEXT NOT NULL DEFAULT '';
