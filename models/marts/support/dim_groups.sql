-- Grain: one row per support group: its tier and the schedule its tickets are worked on
-- (name and time zone of the version in force at the evaluation instant), for BI to label
-- and order groups (agg_support_daily.group_name, fct_tickets.first_group_name).
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

groups as (
    select group_name, tier, schedule_id from {{ ref('stg_helpdesk__groups') }}
),

schedules as (
    select
        schedules.schedule_id,
        max(schedules.timezone) as timezone
    from {{ ref('stg_helpdesk__schedules') }} as schedules
    cross join evaluation
    where schedules.valid_from <= cast(evaluation.as_of as date)
        and (schedules.valid_to is null or schedules.valid_to > cast(evaluation.as_of as date))
    group by schedules.schedule_id
),

agents as (
    select default_group as group_name, cast(count(*) as bigint) as agents
    from {{ ref('stg_helpdesk__users') }}
    where role in ('agent', 'admin') and is_active
    group by default_group
)

select
    groups.group_name,
    groups.tier,
    case groups.tier when 1 then 'front line' when 2 then 'second line' when 3 then 'engineering' end
        as tier_label,
    groups.schedule_id,
    schedules.timezone as schedule_timezone,
    cast(coalesce(agents.agents, 0) as bigint) as active_agents
from groups
left join schedules
    on schedules.schedule_id = groups.schedule_id
left join agents
    on agents.group_name = groups.group_name
