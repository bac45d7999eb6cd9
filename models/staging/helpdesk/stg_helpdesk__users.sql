{#- Staged users: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__users. A view over audit_helpdesk__users. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__users') }}
)

select
    user_id,
    role,
    account_id,
    email_hash,
    agent_display_name,
    default_group,
    created_at,
    is_active,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
