-- Who an account belongs to and how to reach them (issue 16): a display name ("王丽 · 和平区总工会")
-- and a phone number, both '' when not given. The phone follows the station phone rule
-- (station.CheckPhone); neither is used to sign in.
ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
