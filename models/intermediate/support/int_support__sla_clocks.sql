{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_tickets() }}", business_time_session()]
) }}
{#-
  One row per ticket × SLA metric instance with its policy, elapsed time and
  breach instant (spec, "SLA events"). fct_sla_events publishes it.

  Clocks:
  - first_response: created_at → first agent reply, or the first solve if that
    came first (a solve ends a running response clock);
  - next_response: one per wait of int_support__next_response_waits;
  - resolution: created_at → the last solve if the ticket is solved or closed
    at the evaluation time (closed without a solve: when it closed), counting
    only time in new, open and on_hold.
  - agent_work: as resolution, counting only time in new and open.
  - periodic_update: one per interval of int_support__update_intervals (agent
    reply → next agent reply, ended by a solve, restarted by a reopen).
  - pausable_update: the same intervals, not counting time in pending.
  Policy: the ticket's priority in force at fulfilled_at (running: at the
  evaluation time), and the policy target for that priority and metric valid
  at that instant. If the ticket's sla_policy field names a policy at that
  instant, only that policy's rows apply; otherwise every policy's rows for the
  priority (several valid: the latest valid_from, then policy_id). A clock
  without a matching target has no SLA row.

  breach_at = the instant the elapsed time reaches the target on the policy's
  clock (business or calendar). For resolution, whose clock pauses, it is the
  instant the accumulated countable time reaches the target: found in the
  status span where the running total crosses the target; if it never did
  before the clock stopped, it is where it would fall had the clock kept
  running from fulfilled_at (achieved) or from the evaluation time (running,
  in a countable status); a running clock that is paused (pending) has no
  breach_at yet (NULL).

  Incremental (docs/incremental.md): a run recomputes the tickets of
  int_support__affected_tickets and keeps the rows of the others.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope', 'int_support__affected_tickets']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

activity as (
    select * from {{ ref('int_support__ticket_activity') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

response_and_resolution_clocks as (
    select
        ticket_id,
        'first_response' as metric,
        1 as instance_number,
        schedule_id,
        created_at as started_at,
        case
            when first_reply_at is null then first_solved_at
            when first_solved_at is null then first_reply_at
            when first_solved_at < first_reply_at then first_solved_at
            else first_reply_at
        end as fulfilled_at,
        case
            when first_reply_at is not null and (first_solved_at is null or first_reply_at <= first_solved_at) then 'agent_reply'
            when first_solved_at is not null then 'solve'
        end as fulfilled_by,
        cast(null as bigint) as countable_calendar_seconds,
        cast(null as bigint) as countable_business_seconds,
        status_at_as_of
    from activity
    union all
    select
        ticket_id,
        'resolution',
        1,
        schedule_id,
        created_at,
        resolved_at,
        case when resolved_at is not null then 'solve' end,
        requester_wait_calendar_seconds,
        requester_wait_business_seconds,
        status_at_as_of
    from activity
    union all
    select
        ticket_id,
        'agent_work',
        1,
        schedule_id,
        created_at,
        resolved_at,
        case when resolved_at is not null then 'solve' end,
        agent_work_calendar_seconds,
        agent_work_business_seconds,
        status_at_as_of
    from activity
),

update_clocks as (
    select
        u.ticket_id,
        m.metric,
        u.interval_number as instance_number,
        u.schedule_id,
        u.started_at,
        u.ended_at as fulfilled_at,
        u.ended_by as fulfilled_by,
        case when m.metric = 'pausable_update' then u.calendar_seconds - u.pending_calendar_seconds end as countable_calendar_seconds,
        case when m.metric = 'pausable_update' then u.business_seconds - u.pending_business_seconds end as countable_business_seconds,
        a.status_at_as_of
    from {{ ref('int_support__update_intervals') }} as u
    inner join activity as a on a.ticket_id = u.ticket_id
    cross join (
        select 'periodic_update' as metric
        union all
        select 'pausable_update'
    ) as m
),

wait_clocks as (
    select
        w.ticket_id,
        'next_response' as metric,
        w.wait_number as instance_number,
        w.schedule_id,
        w.started_at,
        w.ended_at as fulfilled_at,
        w.ended_by as fulfilled_by,
        cast(null as bigint) as countable_calendar_seconds,
        cast(null as bigint) as countable_business_seconds,
        a.status_at_as_of
    from {{ ref('int_support__next_response_waits') }} as w
    inner join activity as a on a.ticket_id = w.ticket_id
),

clocks as (
    select * from response_and_resolution_clocks
    union all
    select * from wait_clocks
    union all
    select * from update_clocks
),

clocks_with_priority as (
    select
        clocks.*,
        coalesce(clocks.fulfilled_at, evaluation.as_of) as policy_lookup_at,
        coalesce(clocks.fulfilled_at, evaluation.as_of) as counted_until,
        p.priority as priority_at_lookup,
        ps.policy_name as applied_policy_name
    from clocks
    cross join evaluation
    left join {{ ref('int_support__ticket_priority_spans') }} as p
        on p.ticket_id = clocks.ticket_id
        and coalesce(clocks.fulfilled_at, evaluation.as_of) >= p.valid_from
        and coalesce(clocks.fulfilled_at, evaluation.as_of) < coalesce(p.valid_until, cast('9999-12-31' as timestamp))
    left join {{ ref('int_support__ticket_policy_spans') }} as ps
        on ps.ticket_id = clocks.ticket_id
        and coalesce(clocks.fulfilled_at, evaluation.as_of) >= ps.valid_from
        and coalesce(clocks.fulfilled_at, evaluation.as_of) < coalesce(ps.valid_until, cast('9999-12-31' as timestamp))
),

policy_matches as (
    select
        c.*,
        pol.policy_id,
        pol.policy_name,
        case when c.applied_policy_name is not null then 'sla_policy field' else 'priority' end as policy_source,
        pol.target_minutes,
        pol.in_business_hours,
        row_number() over (
            partition by c.ticket_id, c.metric, c.instance_number
            order by pol.valid_from desc, pol.policy_id
        ) as policy_rank
    from clocks_with_priority as c
    inner join {{ ref('stg_helpdesk__sla_policies') }} as pol
        on pol.priority = c.priority_at_lookup
        and pol.metric = c.metric
        and c.policy_lookup_at >= pol.valid_from
        and c.policy_lookup_at < coalesce(pol.valid_to, cast('9999-12-31' as timestamp))
        and (c.applied_policy_name is null or pol.policy_name = c.applied_policy_name)
),

sla_clocks as (
    select
        policy_matches.*,
        cast(target_minutes * 60 as bigint) as target_seconds
    from policy_matches
    where policy_rank = 1
),

-- the business calendar's cumulative seconds at the clock's start and end (the only two
-- lookups per clock: breach_at reuses them, see breach_anchors)
looked_up as (
    select
        s.*,
        cast({{ business_seconds_at('cal_start', 's.started_at') }} as bigint) as cumulative_at_start,
        cast({{ business_seconds_at('cal_end', 's.counted_until') }} as bigint) as cumulative_at_end
    from sla_clocks as s
    {{ business_calendar_lookup('cal_start', 's.schedule_id', 's.started_at') }}
    {{ business_calendar_lookup('cal_end', 's.schedule_id', 's.counted_until') }}
),

-- elapsed time of each clock on both the calendar and the business clock
elapsed as (
    select
        s.*,
        case when s.metric in ('resolution', 'agent_work', 'pausable_update') then s.countable_calendar_seconds
            else cast({{ dbt.datediff('s.started_at', 's.counted_until', 'second') }} as bigint)
        end as elapsed_calendar_seconds,
        case
            when s.schedule_id is null then null
            when s.metric in ('resolution', 'agent_work', 'pausable_update') then s.countable_business_seconds
            else s.cumulative_at_end - s.cumulative_at_start
        end as elapsed_business_seconds
    from looked_up as s
),

-- Clocks that pause (resolution, agent_work, pausable_update): the countable stretches of
-- each clock in order, with the countable time before each; breach_at falls in the stretch
-- where the running total crosses the target.
status_spans as (
    select ticket_id, status, started_at, ended_at, calendar_seconds, business_seconds,
        counts_for_requester_wait
    from {{ ref('int_support__ticket_status_spans') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

pausable_intervals as (
    select ticket_id, instance_number, schedule_id, started_at, counted_until
    from elapsed
    where metric = 'pausable_update'
),

clipped_pieces as (
    {{ support_status_pieces('pausable_intervals', 'instance_number', 'status_spans', "sp.status <> 'pending'") }}
),

pieces as (
    select ticket_id, 'resolution' as metric, 1 as instance_number, started_at as piece_start,
        calendar_seconds, business_seconds
    from status_spans
    where counts_for_requester_wait
    union all
    select ticket_id, 'agent_work', 1, started_at, calendar_seconds, business_seconds
    from status_spans
    where status in ('new', 'open')
    union all
    select
        c.ticket_id,
        'pausable_update',
        c.instance_number,
        c.piece_start,
        cast({{ dbt.datediff('c.piece_start', 'c.piece_end', 'second') }} as bigint),
        cast({{ business_seconds_at('cal_e', 'c.piece_end') }} - {{ business_seconds_at('cal_s', 'c.piece_start') }} as bigint)
    from clipped_pieces as c
    {{ business_calendar_lookup('cal_s', 'c.schedule_id', 'c.piece_start') }}
    {{ business_calendar_lookup('cal_e', 'c.schedule_id', 'c.piece_end') }}
),

countable_spans as (
    select
        pieces.*,
        cast(coalesce(sum(calendar_seconds) over running_total, 0) as bigint) as calendar_seconds_before,
        cast(coalesce(sum(business_seconds) over running_total, 0) as bigint) as business_seconds_before
    from pieces
    window running_total as (
        partition by ticket_id, metric, instance_number order by piece_start
        rows between unbounded preceding and 1 preceding
    )
),

crossings as (
    select
        e.ticket_id,
        e.metric,
        e.instance_number,
        e.schedule_id,
        min(sp.piece_start) as crossing_span_started_at,
        min(e.target_seconds - case when e.in_business_hours then sp.business_seconds_before else sp.calendar_seconds_before end) as remaining_seconds
    from elapsed as e
    inner join countable_spans as sp
        on sp.ticket_id = e.ticket_id
        and sp.metric = e.metric
        and sp.instance_number = e.instance_number
    where e.metric in ('resolution', 'agent_work', 'pausable_update')
        and case when e.in_business_hours then sp.business_seconds_before else sp.calendar_seconds_before end < e.target_seconds
        and e.target_seconds <= case when e.in_business_hours
            then sp.business_seconds_before + sp.business_seconds
            else sp.calendar_seconds_before + sp.calendar_seconds end
    group by e.ticket_id, e.metric, e.instance_number, e.schedule_id
),

-- the calendar looked up only where the running total crosses the target (a breach inside a
-- paused clock's countable stretch)
resolution_crossings as (
    select
        x.*,
        cast({{ business_seconds_at('cal_crossing', 'x.crossing_span_started_at') }} as bigint) as crossing_cumulative
    from crossings as x
    {{ business_calendar_lookup('cal_crossing', 'x.schedule_id', 'x.crossing_span_started_at') }}
),

with_elapsed as (
    select
        e.*,
        case when e.in_business_hours then e.elapsed_business_seconds else e.elapsed_calendar_seconds end as elapsed_seconds
    from elapsed as e
),

-- where breach_at is measured from: the clock's start (clocks that never pause), the countable
-- stretch where the running total crosses the target, or the clock's end (fulfilled_at, or the
-- evaluation time while it runs in a countable status); NULL while a running clock is paused
anchor_kinds as (
    select
        w.*,
        x.crossing_span_started_at,
        x.remaining_seconds as crossing_remaining_seconds,
        x.crossing_cumulative,
        case
            when w.metric not in ('resolution', 'agent_work', 'pausable_update') then 'start'
            when x.ticket_id is not null then 'crossing'
            when w.fulfilled_at is not null then 'end'
            when w.metric = 'resolution' and w.status_at_as_of in ('new', 'open', 'on_hold') then 'end'
            when w.metric = 'agent_work' and w.status_at_as_of in ('new', 'open') then 'end'
            when w.metric = 'pausable_update' and w.status_at_as_of <> 'pending' then 'end'
        end as breach_anchor
    from with_elapsed as w
    -- join on metric too: a condition on the left side only would make DuckDB nest loops
    left join resolution_crossings as x
        on x.ticket_id = w.ticket_id
        and x.metric = w.metric
        and x.instance_number = w.instance_number
),

-- the anchor instant, the calendar's business seconds there (looked up already: start, end or
-- crossing) and how much clock time remains from there
breach_anchors as (
    select
        a.*,
        case a.breach_anchor
            when 'start' then a.started_at
            when 'crossing' then a.crossing_span_started_at
            when 'end' then a.counted_until
        end as breach_anchor_at,
        case a.breach_anchor
            when 'start' then a.cumulative_at_start
            when 'crossing' then a.crossing_cumulative
            when 'end' then a.cumulative_at_end
        end as breach_anchor_cumulative,
        case
            when a.breach_anchor = 'start' then a.target_seconds
            when a.breach_anchor = 'crossing' then a.crossing_remaining_seconds
            else a.target_seconds - a.elapsed_seconds
        end as breach_remaining_seconds
    from anchor_kinds as a
),

anchored as (
    select
        b.*,
        -- bigint: a HUGEINT (from the running sums) makes the as-of join compare 128-bit keys
        cast(b.breach_anchor_cumulative + b.breach_remaining_seconds as bigint) as breach_business_cumulative
    from breach_anchors as b
)

select
    a.ticket_id,
    a.metric,
    a.instance_number,
    a.policy_id,
    a.policy_name,
    a.policy_source,
    a.priority_at_lookup as priority,
    a.in_business_hours,
    a.target_minutes,
    a.target_seconds,
    a.started_at,
    a.fulfilled_at,
    a.fulfilled_by,
    a.counted_until,
    a.elapsed_seconds,
    a.elapsed_calendar_seconds,
    a.elapsed_business_seconds,
    case
        when a.breach_anchor_at is null then null
        when a.in_business_hours then {{ business_instant_at('cal_target', 'a.breach_business_cumulative') }}
        else {{ dbt.dateadd('second', 'a.breach_remaining_seconds', 'a.breach_anchor_at') }}
    end as breach_at,
    a.schedule_id
from anchored as a
{{ business_target_lookup('cal_target', 'a.schedule_id', 'a.breach_business_cumulative') }}
