{#- Landed raw_helpdesk.ticket_comments rows that staging does not keep: one row each, with the reason code. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__ticket_comments') }}
)

select
    'ticket_comments' as source_table,
    coalesce(cast(comment_id as {{ dbt.type_string() }}), '<null>') as record_key,
    ticket_id as ticket_id,
    _loaded_at as loaded_at,
    quarantine_reason
from audited
where quarantine_reason is not null
