-- Product usage: one row per account per day with activity, known accounts, non-negative counts.
select
    account_id,
    usage_date,
    active_users,
    sessions,
    key_actions,
    _loaded_at as loaded_at
from {{ ref('audit_product__daily_usage') }}
where quarantine_reason is null
