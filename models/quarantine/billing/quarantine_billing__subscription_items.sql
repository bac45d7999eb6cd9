{#- Landed raw_billing.subscription_items rows that stg_billing__subscription_items does not keep: one row each, with the reason code. -#}
select
    'subscription_items' as source_table,
    coalesce(cast(subscription_item_id as varchar), '<null>') as record_key,
    _loaded_at as loaded_at,
    quarantine_reason
from {{ ref('audit_billing__subscription_items') }}
where quarantine_reason is not null
