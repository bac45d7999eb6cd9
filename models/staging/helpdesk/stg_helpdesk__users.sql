{#- Staged users: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__users. A view over stg_helpdesk__users_audit. -#}
with audited as (
    select * from {{ ref('stg_helpdesk__users_audit') }}
)

select
    user_id,
    role,
    account_id,
    email_hash,
    default_group,
    created_at,
    is_active,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
