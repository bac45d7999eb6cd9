{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_tickets() }}"],
    post_hook=["{{ support_refresh_evaluated_at() }}"]
) }}
{#-
  One row per ticket × SLA metric instance; see fct_sla_events.yml.
  Incremental (docs/incremental.md): a run recomputes the tickets of
  int_support__affected_tickets; the post-hook moves evaluated_at of the others.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope', 'int_support__affected_tickets']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

clocks as (
    select * from {{ ref('int_support__sla_clocks') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

statused as (
    select
        clocks.*,
        case
            when elapsed_seconds is null then null
            when fulfilled_at is not null and elapsed_seconds > target_seconds then 'breached'
            when fulfilled_at is not null then 'achieved'
            when elapsed_seconds > target_seconds then 'running_breached'
            else 'running'
        end as sla_status
    from clocks
)

select
    s.ticket_id || ':' || s.metric || ':' || cast(s.instance_number as varchar) as sla_event_id,
    s.ticket_id,
    s.metric,
    cast(s.instance_number as bigint) as instance_number,
    s.policy_id,
    s.policy_name,
    s.policy_source,
    s.priority,
    s.in_business_hours,
    cast(s.target_minutes as bigint) as target_minutes,
    s.started_at,
    s.fulfilled_at,
    s.fulfilled_by,
    s.elapsed_seconds / 60.0 as elapsed_minutes,
    s.elapsed_calendar_seconds / 60.0 as elapsed_minutes_calendar,
    s.elapsed_business_seconds / 60.0 as elapsed_minutes_business,
    s.breach_at,
    s.sla_status in ('breached', 'running_breached') as is_breached,
    s.sla_status,
    s.sla_status in ('running', 'running_breached') as is_running,
    s.schedule_id,
    case when s.sla_status in ('breached', 'running_breached') then g.group_name end
        as breach_group_name,
    evaluation.as_of as evaluated_at
from statused as s
cross join evaluation
left join {{ ref('int_support__ticket_group_spans') }} as g
    on g.ticket_id = s.ticket_id
    and s.breach_at >= g.valid_from
    -- no OR in an outer join's condition: DuckDB would plan a nested-loop join (quadratic)
    and s.breach_at < coalesce(g.valid_until, cast('9999-12-31' as timestamp))
