-- Exchange rates: one row per currency per day, newest re-sync, usable rates only.
select
    rate_date,
    currency,
    usd_per_unit,
    _loaded_at as loaded_at
from {{ ref('audit_billing__exchange_rates') }}
where quarantine_reason is null
