{#- Landed raw_helpdesk.satisfaction_responses rows that staging does not keep: one row each, with the reason code. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__satisfaction_responses') }}
)

select
    'satisfaction_responses' as source_table,
    coalesce(cast(response_id as {{ dbt.type_string() }}), '<null>') as record_key,
    ticket_id as ticket_id,
    _loaded_at as loaded_at,
    quarantine_reason
from audited
where quarantine_reason is not null
