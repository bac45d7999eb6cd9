{#- Staged groups: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__groups. A view over stg_helpdesk__groups_audit. -#}
with audited as (
    select * from {{ ref('stg_helpdesk__groups_audit') }}
)

select
    group_name,
    tier,
    schedule_id,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
