-- Price plans: one row per plan, newest re-sync, billing interval normalised, cycle length in months.
select
    plan_id,
    plan_name,
    product_family,
    billing_interval,
    interval_count,
    cycle_months,
    list_price,
    currency,
    _loaded_at as loaded_at
from {{ ref('audit_billing__plans') }}
where quarantine_reason is null
