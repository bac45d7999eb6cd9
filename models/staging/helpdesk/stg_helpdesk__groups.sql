{#- Staged groups: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__groups. A view over audit_helpdesk__groups. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__groups') }}
)

select
    group_name,
    tier,
    schedule_id,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
