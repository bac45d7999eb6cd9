{{ config(pre_hook=[business_time_session()]) }}
{#-
  One row per update interval of a ticket, the instances of the periodic_update and
  pausable_update SLA metrics (shared/spec/metrics.md, "SLA events"):

  - every agent reply starts an interval that the next agent reply stops; the first
    interval starts at the first agent reply;
  - a solve ends a running interval; a reopen (solved -> any status but closed) starts a new
    one, once the ticket has had its first agent reply;
  - an agent reply made while the ticket is solved or closed starts nothing (the status is
    read after the status changes at the same instant: a reply at the instant of a solve
    starts nothing, a reply at the instant of a reopen stops the reopen's interval and
    starts its own);
  - an interval of zero length (started and stopped at one instant) is not an instance;
  - an interval still open at the evaluation time runs up to it.

  Events of one instant are ordered status changes first (solve, reopen), then replies, then
  comment_id. pending_* are the seconds of the interval spent in `pending`: the
  pausable_update clock does not count them. Internal notes and end-user comments do
  nothing here.
-#}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

tickets as (
    select ticket_id, schedule_id from {{ ref('int_support__tickets') }}
),

spans as (
    select ticket_id, status, started_at, valid_until, ended_at, is_solve, is_reopen
    from {{ ref('int_support__ticket_status_spans') }}
),

replies as (
    select c.ticket_id, c.comment_id, c.created_at, s.status
    from {{ ref('int_support__ticket_comments') }} as c
    inner join spans as s
        on s.ticket_id = c.ticket_id
        and c.created_at >= s.started_at
        and c.created_at < coalesce(s.valid_until, cast('9999-12-31' as timestamp))
    where c.is_agent_reply
),

events as (
    select ticket_id, started_at as event_at, 0 as kind_rank, cast(null as {{ dbt.type_string() }}) as comment_id,
        'solve' as event_kind, false as can_start, true as stops
    from spans
    where is_solve
    union all
    select ticket_id, started_at, 0, cast(null as {{ dbt.type_string() }}), 'reopen', true, false
    from spans
    where is_reopen
    union all
    select ticket_id, created_at, 1, comment_id, 'agent_reply', status not in ('solved', 'closed'), true
    from replies
),

sequenced as (
    select
        events.*,
        sum(case when event_kind = 'agent_reply' then 1 else 0 end) over ticket_order as replies_so_far,
        sum(case when stops then 1 else 0 end) over ticket_order as stops_so_far
    from events
    window ticket_order as (
        partition by ticket_id order by event_at, kind_rank, comment_id
        rows between unbounded preceding and current row
    )
),

starts as (
    select ticket_id, event_at as started_at, event_kind as started_by, comment_id, stops_so_far
    from sequenced
    where can_start and replies_so_far >= 1
),

stops as (
    select ticket_id, event_at, event_kind, stops_so_far
    from sequenced
    where stops
),

intervals as (
    select
        starts.ticket_id,
        starts.started_at,
        starts.started_by,
        starts.comment_id as started_by_comment_id,
        stops.event_at as ended_at,
        stops.event_kind as ended_by
    from starts
    left join stops
        on stops.ticket_id = starts.ticket_id
        and stops.stops_so_far = starts.stops_so_far + 1
    where stops.event_at is null or stops.event_at > starts.started_at
),

numbered as (
    select
        intervals.*,
        row_number() over (partition by intervals.ticket_id order by intervals.started_at) as interval_number,
        coalesce(intervals.ended_at, evaluation.as_of) as counted_until,
        tickets.schedule_id
    from intervals
    cross join evaluation
    inner join tickets on tickets.ticket_id = intervals.ticket_id
    where intervals.started_at <= evaluation.as_of
),

-- the pending stretches inside each interval, clipped to it
pending_pieces as (
    {{ support_status_pieces('numbered', 'interval_number', 'spans', "sp.status = 'pending'") }}
),

pending as (
    select
        p.ticket_id,
        p.interval_number,
        sum(cast({{ dbt.datediff('p.piece_start', 'p.piece_end', 'second') }} as bigint)) as pending_calendar_seconds,
        sum(cast({{ business_seconds_at('cal_end', 'p.piece_end') }} - {{ business_seconds_at('cal_start', 'p.piece_start') }} as bigint)) as pending_business_seconds
    from pending_pieces as p
    {{ business_calendar_lookup('cal_start', 'p.schedule_id', 'p.piece_start') }}
    {{ business_calendar_lookup('cal_end', 'p.schedule_id', 'p.piece_end') }}
    group by p.ticket_id, p.interval_number
)

select
    n.ticket_id,
    cast(n.interval_number as bigint) as interval_number,
    n.started_at,
    n.started_by,
    n.started_by_comment_id,
    n.ended_at,
    n.ended_by,
    n.counted_until,
    n.schedule_id,
    cast({{ dbt.datediff('n.started_at', 'n.counted_until', 'second') }} as bigint) as calendar_seconds,
    cast({{ business_seconds_at('cal_end', 'n.counted_until') }} - {{ business_seconds_at('cal_start', 'n.started_at') }} as bigint) as business_seconds,
    cast(coalesce(pending.pending_calendar_seconds, 0) as bigint) as pending_calendar_seconds,
    case when n.schedule_id is not null then cast(coalesce(pending.pending_business_seconds, 0) as bigint) end as pending_business_seconds
from numbered as n
left join pending
    on pending.ticket_id = n.ticket_id
    and pending.interval_number = n.interval_number
{{ business_calendar_lookup('cal_start', 'n.schedule_id', 'n.started_at') }}
{{ business_calendar_lookup('cal_end', 'n.schedule_id', 'n.counted_until') }}
