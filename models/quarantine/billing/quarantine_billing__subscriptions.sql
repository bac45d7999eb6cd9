{#- Landed raw_billing.subscriptions rows that stg_billing__subscriptions does not keep: one row each, with the reason code. -#}
select
    'subscriptions' as source_table,
    coalesce(cast(subscription_id as varchar), '<null>') as record_key,
    _loaded_at as loaded_at,
    quarantine_reason
from {{ ref('audit_billing__subscriptions') }}
where quarantine_reason is not null
