{#- Staged schedules: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__schedules. A view over audit_helpdesk__schedules. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__schedules') }}
)

select
    schedule_id,
    timezone,
    day_of_week,
    start_time,
    end_time,
    start_minute,
    end_minute,
    valid_from,
    valid_to,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
