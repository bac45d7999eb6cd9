{#- Staged satisfaction_responses: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__satisfaction_responses. A view over audit_helpdesk__satisfaction_responses. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__satisfaction_responses') }}
)

select
    response_id,
    survey_type,
    ticket_id,
    account_id,
    user_id,
    score,
    responded_at,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
