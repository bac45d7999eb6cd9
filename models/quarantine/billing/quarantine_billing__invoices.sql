{#- Landed raw_billing.invoices rows that stg_billing__invoices does not keep: one row each, with the reason code. -#}
select
    'invoices' as source_table,
    coalesce(cast(invoice_id as varchar), '<null>') as record_key,
    _loaded_at as loaded_at,
    quarantine_reason
from {{ ref('audit_billing__invoices') }}
where quarantine_reason is not null
