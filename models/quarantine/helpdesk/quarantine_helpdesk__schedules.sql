{#- Landed raw_helpdesk.schedules rows that staging does not keep: one row each, with the reason code. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__schedules') }}
)

select
    'schedules' as source_table,
    coalesce(cast(schedule_id as {{ dbt.type_string() }}), '<null>') || '|' || coalesce(cast(valid_from as {{ dbt.type_string() }}), '<null>') || '|' || coalesce(cast(day_of_week as {{ dbt.type_string() }}), '<null>') || '|' || coalesce(cast(start_time as {{ dbt.type_string() }}), '<null>') as record_key,
    cast(null as {{ dbt.type_string() }}) as ticket_id,
    _loaded_at as loaded_at,
    quarantine_reason
from audited
where quarantine_reason is not null
