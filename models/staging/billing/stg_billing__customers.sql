-- Billing customers: one row per account, newest re-sync, no PII (customer_name stops before staging).
select
    customer_id,
    segment,
    country,
    billing_currency,
    created_at,
    csm_owner,
    is_deleted,
    _loaded_at as loaded_at
from {{ ref('audit_billing__customers') }}
where quarantine_reason is null
