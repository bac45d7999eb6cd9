{#- Staged ticket_field_history: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__ticket_field_history. A view over audit_helpdesk__ticket_field_history. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__ticket_field_history') }}
)

select
    ticket_id,
    field_name,
    value,
    updated_at,
    updater_id,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
