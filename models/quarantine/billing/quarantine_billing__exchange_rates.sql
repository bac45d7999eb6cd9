{#- Landed raw_billing.exchange_rates rows that stg_billing__exchange_rates does not keep: one row each, with the reason code. -#}
select
    'exchange_rates' as source_table,
    coalesce(cast(rate_date as varchar), '<null>') || '|' || coalesce(cast(currency as varchar), '<null>') as record_key,
    _loaded_at as loaded_at,
    quarantine_reason
from {{ ref('audit_billing__exchange_rates') }}
where quarantine_reason is not null
