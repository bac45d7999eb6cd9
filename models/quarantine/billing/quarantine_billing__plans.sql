{#- Landed raw_billing.plans rows that stg_billing__plans does not keep: one row each, with the reason code. -#}
select
    'plans' as source_table,
    coalesce(cast(plan_id as varchar), '<null>') as record_key,
    _loaded_at as loaded_at,
    quarantine_reason
from {{ ref('audit_billing__plans') }}
where quarantine_reason is not null
