-- Billing customers: one row per account, newest re-sync. customer_name is the company's name
-- (business data, kept for BI); people's names and emails stop at helpdesk staging.
select
    customer_id,
    customer_name,
    segment,
    country,
    billing_currency,
    created_at,
    csm_owner,
    is_deleted,
    _loaded_at as loaded_at
from {{ ref('audit_billing__customers') }}
where quarantine_reason is null
