{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_days('day') }}"]
) }}
{#-
  One row per agent per UTC day with activity; see agg_agent_daily.yml.
  Incremental (docs/incremental.md): a run recomputes every day from
  int_support__incremental_scope.earliest_affected_day on (the pre-hook deletes them).
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with agents as (
    select user_id from {{ ref('stg_helpdesk__users') }} where role in ('agent', 'admin')
),

replies as (
    select author_id as agent_id, cast(created_at as date) as day, count(*) as replies
    from {{ ref('int_support__ticket_comments') }}
    where is_agent_reply
        and {{ support_day_in_scope(scope, 'cast(created_at as date)') }}
    group by 1, 2
),

solved as (
    select solved_by_agent_id as agent_id, cast(solved_at as date) as day, count(*) as tickets_solved
    from {{ ref('fct_tickets') }}
    where is_solved and solved_at is not null and solved_by_agent_id is not null
        and {{ support_day_in_scope(scope, 'cast(solved_at as date)') }}
    group by 1, 2
),

first_responses as (
    select
        first_reply_agent_id as agent_id,
        cast(first_reply_at as date) as day,
        count(*) as first_responses,
        percentile_cont(0.5) within group (order by first_response_minutes_business) as first_response_minutes_business_median
    from {{ ref('fct_tickets') }}
    where first_response_minutes_business is not null
        and {{ support_day_in_scope(scope, 'cast(first_reply_at as date)') }}
    group by 1, 2
),

breaches as (
    -- an SLA breach is charged to the agent holding the ticket at breach_at
    select a.assignee_id as agent_id, cast(e.breach_at as date) as day, count(*) as sla_breaches
    from {{ ref('fct_sla_events') }} as e
    inner join {{ ref('int_support__ticket_assignee_spans') }} as a
        on a.ticket_id = e.ticket_id
        and e.breach_at >= a.valid_from
        and e.breach_at < coalesce(a.valid_until, cast('9999-12-31' as timestamp))
    where e.is_breached and e.breach_at is not null and a.assignee_id is not null
        and {{ support_day_in_scope(scope, 'cast(e.breach_at as date)') }}
    group by 1, 2
),

csat as (
    select
        solved_by_agent_id as agent_id,
        cast(csat_responded_at as date) as day,
        count(*) as csat_responses,
        sum(case when csat_score >= 4 then 1 else 0 end) as csat_satisfied_responses
    from {{ ref('fct_tickets') }}
    where csat_score is not null and solved_by_agent_id is not null
        and {{ support_day_in_scope(scope, 'cast(csat_responded_at as date)') }}
    group by 1, 2
),

keys as (
    select agent_id, day from replies
    union select agent_id, day from solved
    union select agent_id, day from first_responses
    union select agent_id, day from breaches
    union select agent_id, day from csat
)

select
    k.agent_id,
    k.day,
    cast(coalesce(r.replies, 0) as bigint) as replies,
    cast(coalesce(s.tickets_solved, 0) as bigint) as tickets_solved,
    cast(coalesce(f.first_responses, 0) as bigint) as first_responses,
    f.first_response_minutes_business_median,
    cast(coalesce(b.sla_breaches, 0) as bigint) as sla_breaches,
    cast(coalesce(c.csat_responses, 0) as bigint) as csat_responses,
    cast(coalesce(c.csat_satisfied_responses, 0) as bigint) as csat_satisfied_responses,
    cast(coalesce(c.csat_satisfied_responses, 0) as double) / nullif(c.csat_responses, 0) as csat
from keys as k
inner join agents on agents.user_id = k.agent_id
left join replies as r on r.agent_id = k.agent_id and r.day = k.day
left join solved as s on s.agent_id = k.agent_id and s.day = k.day
left join first_responses as f on f.agent_id = k.agent_id and f.day = k.day
left join breaches as b on b.agent_id = k.agent_id and b.day = k.day
left join csat as c on c.agent_id = k.agent_id and c.day = k.day
