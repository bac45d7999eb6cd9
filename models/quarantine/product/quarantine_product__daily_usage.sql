{#- Landed raw_product.daily_usage rows that stg_product__daily_usage does not keep: one row each, with the reason code. -#}
select
    'daily_usage' as source_table,
    coalesce(cast(account_id as varchar), '<null>') || '|' || coalesce(cast(usage_date as varchar), '<null>') as record_key,
    _loaded_at as loaded_at,
    quarantine_reason
from {{ ref('audit_product__daily_usage') }}
where quarantine_reason is not null
