{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_tickets() }}", business_time_session()],
    post_hook=["{{ support_refresh_evaluated_at() }}"]
) }}
{#-
  One row per ticket in scope of the support metrics; see fct_tickets.yml.
  Incremental (docs/incremental.md): a run recomputes the tickets of
  int_support__affected_tickets; the post-hook moves evaluated_at of the others.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope', 'int_support__affected_tickets']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

tickets as (
    select * from {{ ref('int_support__tickets') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

activity as (
    select * from {{ ref('int_support__ticket_activity') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

next_responses as (
    select
        ticket_id,
        cast(count(*) as bigint) as next_responses,
        percentile_cont(0.5) within group (order by business_seconds) / 60.0 as next_response_median_minutes_business,
        max(business_seconds) / 60.0 as next_response_max_minutes_business,
        percentile_cont(0.5) within group (order by calendar_seconds) / 60.0 as next_response_median_minutes_calendar,
        max(calendar_seconds) / 60.0 as next_response_max_minutes_calendar
    from {{ ref('int_support__next_response_waits') }}
    where ended_by = 'agent_reply'
        and {{ support_ticket_in_scope(scope, 'ticket_id') }}
    group by ticket_id
),

groups_held as (
    select h.ticket_id, max(g.tier) as highest_tier
    from {{ ref('stg_helpdesk__ticket_field_history') }} as h
    inner join {{ ref('stg_helpdesk__groups') }} as g
        on g.group_name = h.value
    cross join evaluation
    where h.field_name = 'group_name'
        and h.updated_at <= evaluation.as_of
        and {{ support_ticket_in_scope(scope, 'h.ticket_id') }}
    group by h.ticket_id
),

surveys as (
    select
        r.ticket_id,
        r.survey_type,
        r.score,
        r.responded_at,
        row_number() over (partition by r.ticket_id, r.survey_type order by r.responded_at desc, r.response_id desc) as newest_rank
    from {{ ref('stg_helpdesk__satisfaction_responses') }} as r
    cross join evaluation
    where r.survey_type in ('csat', 'ces')
        and {{ support_ticket_in_scope(scope, 'r.ticket_id') }}
        and r.responded_at <= evaluation.as_of
),

latest_surveys as (
    select
        ticket_id,
        max(case when survey_type = 'csat' then score end) as csat_score,
        max(case when survey_type = 'csat' then responded_at end) as csat_responded_at,
        max(case when survey_type = 'ces' then score end) as ces_score,
        max(case when survey_type = 'ces' then responded_at end) as ces_responded_at
    from surveys
    where newest_rank = 1
    group by ticket_id
),

sla as (
    select
        ticket_id,
        cast(sum(case when is_breached then 1 else 0 end) as bigint) as sla_breaches
    from {{ ref('fct_sla_events') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
    group by ticket_id
),

solvers as (
    -- who solved: the agent who set the last solve, else the assignee at that instant
    select
        a.ticket_id,
        case when u.role in ('agent', 'admin') then a.last_solved_by_user_id else asg.assignee_id end as solved_by_agent_id
    from activity as a
    left join {{ ref('stg_helpdesk__users') }} as u
        on u.user_id = a.last_solved_by_user_id
    left join {{ ref('int_support__ticket_assignee_spans') }} as asg
        on asg.ticket_id = a.ticket_id
        and a.last_solved_at >= asg.valid_from
        and a.last_solved_at < coalesce(asg.valid_until, cast('9999-12-31' as timestamp))
    where a.last_solved_at is not null
),

business as (
    -- business durations between two instants of the ticket, through the calendar
    select
        a.ticket_id,
        {{ business_seconds_at('cal_reply', 'a.first_reply_at') }} - {{ business_seconds_at('cal_created', 'a.created_at') }} as first_response_business_seconds,
        {{ business_seconds_at('cal_first_solve', 'a.first_solved_at') }} - {{ business_seconds_at('cal_created', 'a.created_at') }} as first_resolution_business_seconds,
        {{ business_seconds_at('cal_last_solve', 'a.last_solved_at') }} - {{ business_seconds_at('cal_created', 'a.created_at') }} as full_resolution_business_seconds
    from activity as a
    {{ business_calendar_lookup('cal_created', 'a.schedule_id', 'a.created_at') }}
    {{ business_calendar_lookup('cal_reply', 'a.schedule_id', 'a.first_reply_at') }}
    {{ business_calendar_lookup('cal_first_solve', 'a.schedule_id', 'a.first_solved_at') }}
    {{ business_calendar_lookup('cal_last_solve', 'a.schedule_id', 'a.last_solved_at') }}
)

select
    cast(t.ticket_id as varchar) as ticket_id,
    cast(t.account_id as varchar) as account_id,
    cast(t.requester_id as varchar) as requester_id,
    t.is_requested_by_end_user,
    t.created_at,
    cast(t.created_at as date) as created_date,
    t.channel,
    a.priority_at_as_of as priority,
    t.ticket_type,
    t.ticket_function,
    a.status_at_as_of as status,
    t.first_group_name,
    t.current_group_name,
    t.first_group_tier,
    t.schedule_id,
    t.schedule_source,
    a.first_reply_at,
    a.first_reply_author_id as first_reply_agent_id,
    case when t.is_requested_by_end_user then {{ dbt.datediff('t.created_at', 'a.first_reply_at', 'second') }} / 60.0 end as first_response_minutes_calendar,
    case when t.is_requested_by_end_user then b.first_response_business_seconds / 60.0 end as first_response_minutes_business,
    a.agent_replies,
    coalesce(n.next_responses, 0) as next_responses,
    n.next_response_median_minutes_business,
    n.next_response_max_minutes_business,
    n.next_response_median_minutes_calendar,
    n.next_response_max_minutes_calendar,
    a.first_solved_at,
    a.last_solved_at as solved_at,
    sv.solved_by_agent_id,
    {{ dbt.datediff('t.created_at', 'a.first_solved_at', 'second') }} / 60.0 as first_resolution_minutes_calendar,
    b.first_resolution_business_seconds / 60.0 as first_resolution_minutes_business,
    {{ dbt.datediff('t.created_at', 'a.last_solved_at', 'second') }} / 60.0 as full_resolution_minutes_calendar,
    b.full_resolution_business_seconds / 60.0 as full_resolution_minutes_business,
    a.requester_wait_calendar_seconds / 60.0 as requester_wait_minutes_calendar,
    case when t.schedule_id is not null then a.requester_wait_business_seconds / 60.0 end as requester_wait_minutes_business,
    a.agent_work_calendar_seconds / 60.0 as agent_work_minutes_calendar,
    case when t.schedule_id is not null then a.agent_work_business_seconds / 60.0 end as agent_work_minutes_business,
    a.on_hold_calendar_seconds / 60.0 as on_hold_minutes_calendar,
    case when t.schedule_id is not null then a.on_hold_business_seconds / 60.0 end as on_hold_minutes_business,
    a.pending_calendar_seconds / 60.0 as pending_minutes_calendar,
    case when t.schedule_id is not null then a.pending_business_seconds / 60.0 end as pending_minutes_business,
    a.reopens,
    a.reopens > 0 as is_reopened,
    a.is_solved,
    a.is_solved and a.agent_replies = 1 and a.reopens = 0 as is_one_touch,
    a.is_solved and a.agent_replies = 2 and a.reopens = 0 as is_two_touch,
    coalesce(gh.highest_tier > t.first_group_tier, false) as is_escalated,
    greatest(coalesce(gh.highest_tier, t.first_group_tier), t.first_group_tier) as highest_group_tier,
    s.csat_score,
    s.csat_responded_at,
    s.ces_score,
    s.ces_responded_at,
    coalesce(sla.sla_breaches, 0) as sla_breaches,
    evaluation.as_of as evaluated_at
from tickets as t
cross join evaluation
inner join activity as a on a.ticket_id = t.ticket_id
left join business as b on b.ticket_id = t.ticket_id
left join next_responses as n on n.ticket_id = t.ticket_id
left join groups_held as gh on gh.ticket_id = t.ticket_id
left join latest_surveys as s on s.ticket_id = t.ticket_id
left join sla on sla.ticket_id = t.ticket_id
left join solvers as sv on sv.ticket_id = t.ticket_id
