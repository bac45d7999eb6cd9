{#- Landed raw_helpdesk.sla_policies rows that staging does not keep: one row each, with the reason code. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__sla_policies') }}
)

select
    'sla_policies' as source_table,
    coalesce(cast(policy_id as {{ dbt.type_string() }}), '<null>') || '|' || coalesce(cast(_priority_raw as {{ dbt.type_string() }}), '<null>') || '|' || coalesce(cast(_metric_raw as {{ dbt.type_string() }}), '<null>') || '|' || coalesce(cast(valid_from as {{ dbt.type_string() }}), '<null>') as record_key,
    cast(null as {{ dbt.type_string() }}) as ticket_id,
    _loaded_at as loaded_at,
    quarantine_reason
from audited
where quarantine_reason is not null
