-- The tenant's time zone: its business day ("today" for due dates, aging and overdue status) is
-- the clock read in this zone (domain/clock.ts). Chosen at signup, changed in Settings → Company.
ALTER TABLE tenants ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/Chicago';
