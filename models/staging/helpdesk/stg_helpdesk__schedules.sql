{#- Staged schedules: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__schedules. A view over stg_helpdesk__schedules_audit. -#}
with audited as (
    select * from {{ ref('stg_helpdesk__schedules_audit') }}
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
