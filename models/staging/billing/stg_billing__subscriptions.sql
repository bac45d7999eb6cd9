-- Subscriptions: one row per subscription whose customer, currency and rates are usable.
select
    subscription_id,
    customer_id,
    status,
    currency,
    is_currency_repaired,
    created_at,
    trial_start,
    trial_end,
    started_at,
    cancel_requested_at,
    ended_at,
    _loaded_at as loaded_at
from {{ ref('audit_billing__subscriptions') }}
where quarantine_reason is null
