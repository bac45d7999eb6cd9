-- Subscription item periods: one row per price/quantity period of a usable subscription and plan.
select
    subscription_item_id,
    subscription_id,
    plan_id,
    quantity,
    unit_amount,
    discount_percent,
    valid_from,
    valid_to,
    _loaded_at as loaded_at
from {{ ref('audit_billing__subscription_items') }}
where quarantine_reason is null
