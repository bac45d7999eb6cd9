{#- Staged schedule_holidays: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__schedule_holidays. A view over audit_helpdesk__schedule_holidays. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__schedule_holidays') }}
)

select
    schedule_id,
    holiday_date,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
