-- Billing customers: one row per account, newest re-sync. customer_name is the company's name
-- (business data, kept for BI); people's names and emails stop at helpdesk staging.
-- billing_currency is informational (MRR uses each subscription's currency): a value that is
-- not an ISO-4217 code (US$, EURO) is not passed on (NULL), and billing_currency_landed keeps
-- what arrived so the repair is visible.
select
    customers.customer_id,
    customers.customer_name,
    customers.segment,
    customers.country,
    currencies.currency_code as billing_currency,
    customers.billing_currency as billing_currency_landed,
    customers.created_at,
    customers.csm_owner,
    customers.is_deleted,
    customers._loaded_at as loaded_at
from {{ ref('audit_billing__customers') }} as customers
left join {{ ref('currencies') }} as currencies
    on customers.billing_currency = currencies.currency_code
where customers.quarantine_reason is null
