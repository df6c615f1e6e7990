-- Billing: each tenant's plan and subscription state, Stripe events already received, usage
-- counters and operator overrides. Nothing here is ever deleted because a payment failed.
CREATE TABLE tenant_billing (
  tenant_id TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  plan TEXT NOT NULL DEFAULT 'trial'
    CHECK (plan IN ('trial', 'starter', 'professional', 'enterprise')),
  billing_interval TEXT CHECK (billing_interval IN ('month', 'year')),
  status TEXT NOT NULL DEFAULT 'trialing' CHECK (status IN ('trialing', 'active', 'past_due',
    'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'paused')),
  trial_ends_at TEXT,
  current_period_end TEXT,
  past_due_since TEXT,
  cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
  stripe_customer_id TEXT UNIQUE,
  stripe_subscription_id TEXT,
  -- Order of the last Stripe change applied: event.created (seconds) and a rank within a second,
  -- so an older event arriving late changes nothing.
  stripe_synced_at INTEGER NOT NULL DEFAULT 0,
  stripe_synced_rank INTEGER NOT NULL DEFAULT 0,
  -- Operator overrides of single entitlements, as a JSON object ({"seats": 25}).
  overrides TEXT NOT NULL DEFAULT '{}',
  -- A signed licence (self-hosted and offline deployments); when set it decides the plan.
  license_token TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Existing tenants start a fresh trial rather than finding themselves read-only.
INSERT INTO tenant_billing (tenant_id, plan, status, trial_ends_at, created_at, updated_at)
SELECT id, 'trial', 'trialing', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+14 days'),
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM tenants;

-- Every Stripe event received; the primary key makes a replayed event a no-op. The job that
-- applies it is enqueued in the same batch.
CREATE TABLE stripe_events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  created INTEGER NOT NULL,
  payload TEXT NOT NULL,
  job_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  applied_at TEXT,
  outcome TEXT
);

-- Metered usage per calendar month (UTC), e.g. documents processed and AI tokens.
CREATE TABLE usage_counters (
  tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  metric TEXT NOT NULL,
  period TEXT NOT NULL,
  amount INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, metric, period)
);
