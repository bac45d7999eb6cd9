{#- Staged schedule_holidays: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__schedule_holidays. A view over stg_helpdesk__schedule_holidays_audit. -#}
with audited as (
    select * from {{ ref('stg_helpdesk__schedule_holidays_audit') }}
)

select
    schedule_id,
    holiday_date,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
