{#- Landed raw_billing.customers rows that stg_billing__customers does not keep: one row each, with the reason code. -#}
select
    'customers' as source_table,
    coalesce(cast(customer_id as varchar), '<null>') as record_key,
    _loaded_at as loaded_at,
    quarantine_reason
from {{ ref('audit_billing__customers') }}
where quarantine_reason is not null
