{#- Landed raw_helpdesk.schedule_holidays rows that staging does not keep: one row each, with the reason code. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__schedule_holidays') }}
)

select
    'schedule_holidays' as source_table,
    coalesce(cast(schedule_id as {{ dbt.type_string() }}), '<null>') || '|' || coalesce(cast(holiday_date as {{ dbt.type_string() }}), '<null>') as record_key,
    cast(null as {{ dbt.type_string() }}) as ticket_id,
    _loaded_at as loaded_at,
    quarantine_reason
from audited
where quarantine_reason is not null
