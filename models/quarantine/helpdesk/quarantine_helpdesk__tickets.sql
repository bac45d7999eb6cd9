{#- Landed raw_helpdesk.tickets rows that staging does not keep: one row each, with the reason code. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__tickets') }}
)

select
    'tickets' as source_table,
    coalesce(cast(ticket_id as {{ dbt.type_string() }}), '<null>') as record_key,
    ticket_id as ticket_id,
    _loaded_at as loaded_at,
    quarantine_reason
from audited
where quarantine_reason is not null
