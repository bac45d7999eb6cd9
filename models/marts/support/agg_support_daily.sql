{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_days('day') }}"]
) }}
{#-
  One row per UTC day × channel × priority × group × ticket function; see agg_support_daily.yml.
  Incremental (docs/incremental.md): a run recomputes every day from
  int_support__incremental_scope.earliest_affected_day on (the pre-hook deletes them);
  the backlog starts from the kept backlog of the day before and adds the moves
  of the spans still open then, so it carries over exactly.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
{%- set carry_backlog = scope.incremental and not scope.recompute_all and scope.earliest_affected_day %}
with evaluation as (
    select as_of, cast(as_of as date) as as_of_date from {{ ref('int_support__evaluation_time') }}
),

tickets as (
    select
        ticket_id,
        channel,
        priority,
        coalesce(first_group_name, '(no group)') as group_name,
        ticket_function,
        created_date,
        solved_at,
        is_solved,
        is_one_touch,
        is_reopened,
        is_escalated,
        first_reply_at,
        first_response_minutes_business,
        full_resolution_minutes_business,
        full_resolution_minutes_calendar,
        csat_score,
        csat_responded_at,
        ces_score,
        ces_responded_at
    from {{ ref('fct_tickets') }}
),

created as (
    select
        created_date as day, channel, priority, group_name, ticket_function,
        count(*) as tickets_created,
        sum(case when is_escalated then 1 else 0 end) as escalated_tickets
    from tickets
    where {{ support_day_in_scope(scope, 'created_date') }}
    group by 1, 2, 3, 4, 5
),

solved as (
    select
        cast(solved_at as date) as day, channel, priority, group_name, ticket_function,
        count(*) as tickets_solved,
        sum(case when is_one_touch then 1 else 0 end) as one_touch_tickets,
        sum(case when is_reopened then 1 else 0 end) as reopened_tickets,
        {{ support_minutes_sum('full_resolution_minutes_business') }} as full_resolution_minutes_business_sum,
        count(full_resolution_minutes_business) as full_resolution_business_count,
        {{ support_minutes_sum('full_resolution_minutes_calendar') }} as full_resolution_minutes_calendar_sum
    from tickets
    where is_solved and solved_at is not null
        and {{ support_day_in_scope(scope, 'cast(solved_at as date)') }}
    group by 1, 2, 3, 4, 5
),

first_responses as (
    select
        cast(first_reply_at as date) as day, channel, priority, group_name, ticket_function,
        count(*) as first_responses,
        {{ support_minutes_sum('first_response_minutes_business') }} as first_response_minutes_business_sum,
        percentile_cont(0.5) within group (order by first_response_minutes_business) as first_response_minutes_business_median,
        percentile_cont(0.9) within group (order by first_response_minutes_business) as first_response_minutes_business_p90
    from tickets
    where first_response_minutes_business is not null
        and {{ support_day_in_scope(scope, 'cast(first_reply_at as date)') }}
    group by 1, 2, 3, 4, 5
),

sla_outcomes as (
    select
        cast(case when e.sla_status = 'running_breached' then e.breach_at else e.fulfilled_at end as date) as day,
        t.channel, t.priority, t.group_name, t.ticket_function,
        {%- for metric in support_sla_metrics() %}
        sum(case when e.metric = '{{ metric }}' and e.sla_status = 'achieved' then 1 else 0 end) as sla_{{ metric }}_achieved,
        sum(case when e.metric = '{{ metric }}' and e.sla_status in ('achieved', 'breached', 'running_breached') then 1 else 0 end) as sla_{{ metric }}_measured{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('fct_sla_events') }} as e
    inner join tickets as t on t.ticket_id = e.ticket_id
    where e.sla_status in ('achieved', 'breached', 'running_breached')
        and {{ support_day_in_scope(scope, "cast(case when e.sla_status = 'running_breached' then e.breach_at else e.fulfilled_at end as date)") }}
    group by 1, 2, 3, 4, 5
),

csat as (
    select
        cast(csat_responded_at as date) as day, channel, priority, group_name, ticket_function,
        count(*) as csat_responses,
        sum(case when csat_score >= 4 then 1 else 0 end) as csat_satisfied_responses
    from tickets
    where csat_score is not null
        and {{ support_day_in_scope(scope, 'cast(csat_responded_at as date)') }}
    group by 1, 2, 3, 4, 5
),

ces as (
    select
        cast(ces_responded_at as date) as day, channel, priority, group_name, ticket_function,
        count(*) as ces_responses,
        sum(ces_score) as ces_score_sum
    from tickets
    where ces_score is not null
        and {{ support_day_in_scope(scope, 'cast(ces_responded_at as date)') }}
    group by 1, 2, 3, 4, 5
),

nps as (
    select
        cast(r.responded_at as date) as day,
        'n/a' as channel, 'n/a' as priority, 'n/a' as group_name, 'n/a' as ticket_function,
        count(*) as nps_responses,
        sum(case when r.score >= 9 then 1 else 0 end) as nps_promoters,
        sum(case when r.score <= 6 then 1 else 0 end) as nps_detractors
    from {{ ref('stg_helpdesk__satisfaction_responses') }} as r
    cross join evaluation
    where r.survey_type = 'nps'
        and r.responded_at <= evaluation.as_of
        and {{ support_day_in_scope(scope, 'cast(r.responded_at as date)') }}
    group by 1, 2, 3, 4, 5
),

-- backlog: a ticket is in the backlog of day D when it is new, open, pending or on_hold
-- at D 23:59:59 UTC; each unsolved status span enters on the first day whose 23:59:59 it
-- covers and leaves on the first day whose 23:59:59 is at or after its end.
unsolved_spans as (
    select
        t.channel, t.priority, t.group_name, t.ticket_function,
        s.started_at,
        s.valid_until
    from {{ ref('int_support__ticket_status_spans') }} as s
    inner join tickets as t on t.ticket_id = s.ticket_id
    where s.status in ('new', 'open', 'pending', 'on_hold')
    {%- if carry_backlog %}
        -- only spans that still move the backlog on or after the first recomputed day
        and (s.valid_until is null or s.valid_until >= {{ dbt.dateadd('day', -1, "cast('" ~ scope.earliest_affected_day ~ "' as timestamp)") }})
    {%- endif %}
),

backlog_moves as (
    select
        {{ support_backlog_day('started_at') }} as day, channel, priority, group_name, ticket_function, 1 as backlog_change
    from unsolved_spans
    union all
    select
        {{ support_backlog_day('valid_until') }}, channel, priority, group_name, ticket_function, -1
    from unsolved_spans
    where valid_until is not null
),

backlog_changes as (
    select day, channel, priority, group_name, ticket_function, sum(backlog_change) as backlog_change
    from backlog_moves
    {%- if carry_backlog %}
    where {{ support_day_in_scope(scope, 'day') }}
    {%- endif %}
    group by 1, 2, 3, 4, 5
    {%- if carry_backlog %}
    -- incremental: the backlog at the end of the day before the first recomputed day, from the
    -- rows this run keeps (a combination without a row there had no backlog), carries over
    union all
    select day, channel, priority, group_name, ticket_function, backlog_end_of_day
    from {{ this }}
    where day = cast({{ dbt.dateadd('day', -1, "cast('" ~ scope.earliest_affected_day ~ "' as timestamp)") }} as date)
        and backlog_end_of_day <> 0
    {%- endif %}
),

activity_keys as (
    select day, channel, priority, group_name, ticket_function from created
    union select day, channel, priority, group_name, ticket_function from solved
    union select day, channel, priority, group_name, ticket_function from first_responses
    union select day, channel, priority, group_name, ticket_function from sla_outcomes
    union select day, channel, priority, group_name, ticket_function from csat
    union select day, channel, priority, group_name, ticket_function from ces
    union select day, channel, priority, group_name, ticket_function from nps
    union select day, channel, priority, group_name, ticket_function from backlog_changes
),

combination_first_days as (
    select channel, priority, group_name, ticket_function, min(day) as first_day
    from activity_keys
    group by 1, 2, 3, 4
),

days as (
    select cast(series.day_start as date) as day
    from (select min(day) as first_day from activity_keys) as bounds
    cross join evaluation,
        generate_series(cast(bounds.first_day as timestamp), cast(evaluation.as_of_date as timestamp), interval '1 day') as series(day_start)
),

grid as (
    select days.day, c.channel, c.priority, c.group_name, c.ticket_function
    from combination_first_days as c
    inner join days on days.day >= c.first_day
),

backlog as (
    select
        grid.day, grid.channel, grid.priority, grid.group_name, grid.ticket_function,
        sum(coalesce(b.backlog_change, 0)) over (
            partition by grid.channel, grid.priority, grid.group_name, grid.ticket_function
            order by grid.day rows between unbounded preceding and current row
        ) as backlog_end_of_day
    from grid
    left join backlog_changes as b
        on b.day = grid.day
        and b.channel = grid.channel
        and b.priority = grid.priority
        and b.group_name = grid.group_name
        and b.ticket_function = grid.ticket_function
),

assembled as (
    select
        k.day, k.channel, k.priority, k.group_name, k.ticket_function,
        cast(coalesce(cr.tickets_created, 0) as bigint) as tickets_created,
        cast(coalesce(so.tickets_solved, 0) as bigint) as tickets_solved,
        cast(coalesce(k.backlog_end_of_day, 0) as bigint) as backlog_end_of_day,
        cast(coalesce(fr.first_responses, 0) as bigint) as first_responses,
        fr.first_response_minutes_business_sum,
        fr.first_response_minutes_business_median,
        fr.first_response_minutes_business_p90,
        so.full_resolution_minutes_business_sum,
        cast(coalesce(so.full_resolution_business_count, 0) as bigint) as full_resolution_business_count,
        so.full_resolution_minutes_calendar_sum,
        {%- for metric in support_sla_metrics() %}
        cast(coalesce(sla.sla_{{ metric }}_achieved, 0) as bigint) as sla_{{ metric }}_achieved,
        cast(coalesce(sla.sla_{{ metric }}_measured, 0) as bigint) as sla_{{ metric }}_measured,
        {%- endfor %}
        cast(coalesce(so.one_touch_tickets, 0) as bigint) as one_touch_tickets,
        cast(coalesce(cr.escalated_tickets, 0) as bigint) as escalated_tickets,
        cast(coalesce(so.reopened_tickets, 0) as bigint) as reopened_tickets,
        cast(coalesce(cs.csat_responses, 0) as bigint) as csat_responses,
        cast(coalesce(cs.csat_satisfied_responses, 0) as bigint) as csat_satisfied_responses,
        cast(coalesce(ce.ces_responses, 0) as bigint) as ces_responses,
        cast(coalesce(ce.ces_score_sum, 0) as bigint) as ces_score_sum,
        cast(coalesce(np.nps_responses, 0) as bigint) as nps_responses,
        cast(coalesce(np.nps_promoters, 0) as bigint) as nps_promoters,
        cast(coalesce(np.nps_detractors, 0) as bigint) as nps_detractors
    from backlog as k
    {%- for cte, alias in [('created', 'cr'), ('solved', 'so'), ('first_responses', 'fr'), ('sla_outcomes', 'sla'), ('csat', 'cs'), ('ces', 'ce'), ('nps', 'np')] %}
    left join {{ cte }} as {{ alias }}
        on {{ alias }}.day = k.day and {{ alias }}.channel = k.channel and {{ alias }}.priority = k.priority
        and {{ alias }}.group_name = k.group_name and {{ alias }}.ticket_function = k.ticket_function
    {%- endfor %}
    where {{ support_day_in_scope(scope, 'k.day') }}
)

select
    day,
    channel,
    priority,
    group_name,
    ticket_function,
    tickets_created,
    tickets_solved,
    backlog_end_of_day,
    first_responses,
    first_response_minutes_business_median,
    first_response_minutes_business_p90,
    first_response_minutes_business_sum,
    full_resolution_business_count,
    full_resolution_minutes_business_sum,
    full_resolution_minutes_business_sum / nullif(full_resolution_business_count, 0) as full_resolution_minutes_business_avg,
    full_resolution_minutes_calendar_sum,
    full_resolution_minutes_calendar_sum / nullif(tickets_solved, 0) as full_resolution_minutes_calendar_avg,
    {%- for metric in support_sla_metrics() %}
    sla_{{ metric }}_achieved,
    sla_{{ metric }}_measured,
    cast(sla_{{ metric }}_achieved as double) / nullif(sla_{{ metric }}_measured, 0) as sla_{{ metric }}_attainment,
    {%- endfor %}
    one_touch_tickets,
    cast(one_touch_tickets as double) / nullif(tickets_solved, 0) as one_touch_rate,
    escalated_tickets,
    cast(escalated_tickets as double) / nullif(tickets_created, 0) as escalation_rate,
    reopened_tickets,
    cast(reopened_tickets as double) / nullif(tickets_solved, 0) as reopen_rate,
    csat_responses,
    csat_satisfied_responses,
    cast(csat_satisfied_responses as double) / nullif(csat_responses, 0) as csat,
    ces_responses,
    ces_score_sum,
    cast(ces_score_sum as double) / nullif(ces_responses, 0) as ces,
    nps_responses,
    nps_promoters,
    nps_detractors,
    100.0 * (nps_promoters - nps_detractors) / nullif(nps_responses, 0) as nps
from assembled
where tickets_created + tickets_solved + backlog_end_of_day + first_responses
    {%- for metric in support_sla_metrics() %}
    + sla_{{ metric }}_measured
    {%- endfor %}
    + csat_responses + ces_responses + nps_responses > 0
    and {{ support_day_in_scope(scope, 'day') }}

