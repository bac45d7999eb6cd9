{#- Landed raw_billing.refunds rows that stg_billing__refunds does not keep: one row each, with the reason code. -#}
select
    'refunds' as source_table,
    coalesce(cast(refund_id as varchar), '<null>') as record_key,
    _loaded_at as loaded_at,
    quarantine_reason
from {{ ref('audit_billing__refunds') }}
where quarantine_reason is not null
