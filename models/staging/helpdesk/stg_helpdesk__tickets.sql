{#- Staged tickets: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__tickets. A view over audit_helpdesk__tickets. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__tickets') }}
)

select
    ticket_id,
    account_id,
    requester_id,
    assignee_id,
    group_name,
    channel,
    priority,
    ticket_type,
    case when ticket_type = 'question' then 'service' else 'support' end as ticket_function,
    status,
    created_at,
    updated_at,
    is_deleted,
    merged_into_ticket_id,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
