{#- Staged sla_policies: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__sla_policies. A view over audit_helpdesk__sla_policies. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__sla_policies') }}
)

select
    policy_id,
    policy_name,
    priority,
    metric,
    target_minutes,
    in_business_hours,
    valid_from,
    valid_to,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
