{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_tickets() }}", business_time_session()]
) }}
{#-
  One row per next-response wait (spec, "next response times"): an end-user
  comment that follows an agent reply opens a wait that the next agent reply
  closes; later end-user comments fall inside the open wait. A solve also ends
  the wait (ended_by = 'solve': for the SLA only, it is not a next response
  time). A comment made while the ticket is solved or closed opens no wait;
  the status is read after the status changes at the same instant, so a
  comment that reopens the ticket does open one. The wait from creation is the
  first response, never a next response.

  Events of a ticket are ordered by time, then agent reply < solve < end-user
  comment at the same instant, then comment_id. Agent replies and solves are
  boundaries; within the stretch between two boundaries, after at least one
  agent reply, the first eligible end-user comment opens the wait and the next
  boundary closes it. A wait still open at the evaluation time is running.

  Incremental (docs/incremental.md): a run recomputes the tickets of
  int_support__affected_tickets and keeps the rows of the others.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope', 'int_support__affected_tickets']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

tickets as (
    select ticket_id, schedule_id from {{ ref('int_support__tickets') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

comments as (
    select ticket_id, comment_id, created_at, is_agent_reply, is_end_user_comment
    from {{ ref('int_support__ticket_comments') }}
    where (is_agent_reply or is_end_user_comment)
        and {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

spans as (
    select ticket_id, status, started_at, valid_until, is_solve
    from {{ ref('int_support__ticket_status_spans') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

end_user_comments as (
    select
        c.ticket_id,
        c.comment_id,
        c.created_at,
        s.status not in ('solved', 'closed') as can_open_wait
    from comments as c
    inner join spans as s
        on s.ticket_id = c.ticket_id
        and c.created_at >= s.started_at
        and c.created_at < coalesce(s.valid_until, cast('9999-12-31' as timestamp))
    where c.is_end_user_comment
),

events as (
    select ticket_id, created_at as event_at, 'agent_reply' as event_kind, 0 as kind_rank, comment_id, false as can_open_wait
    from comments
    where is_agent_reply
    union all
    select ticket_id, started_at, 'solve', 1, cast(null as {{ dbt.type_string() }}), false
    from spans
    where is_solve
    union all
    select ticket_id, created_at, 'end_user_comment', 2, comment_id, can_open_wait
    from end_user_comments
),

sequenced as (
    select
        events.*,
        sum(case when event_kind = 'agent_reply' then 1 else 0 end) over ticket_order as agent_replies_so_far,
        sum(case when event_kind in ('agent_reply', 'solve') then 1 else 0 end) over ticket_order as boundary_number
    from events
    window ticket_order as (
        partition by ticket_id order by event_at, kind_rank, comment_id
        rows between unbounded preceding and current row
    )
),

openers as (
    select
        ticket_id,
        boundary_number,
        event_at as started_at,
        comment_id as opened_by_comment_id,
        row_number() over (partition by ticket_id, boundary_number order by event_at, comment_id) as opener_rank
    from sequenced
    where event_kind = 'end_user_comment'
        and can_open_wait
        and agent_replies_so_far >= 1
),

boundaries as (
    select ticket_id, boundary_number, event_at, event_kind, comment_id
    from sequenced
    where event_kind in ('agent_reply', 'solve')
),

waits as (
    select
        o.ticket_id,
        row_number() over (partition by o.ticket_id order by o.started_at) as wait_number,
        o.started_at,
        o.opened_by_comment_id,
        b.event_at as ended_at,
        b.event_kind as ended_by,
        b.comment_id as closed_by_comment_id
    from openers as o
    left join boundaries as b
        on b.ticket_id = o.ticket_id
        and b.boundary_number = o.boundary_number + 1
    where o.opener_rank = 1
),

clocked as (
    select
        waits.*,
        coalesce(waits.ended_at, evaluation.as_of) as counted_until,
        tickets.schedule_id
    from waits
    inner join tickets on tickets.ticket_id = waits.ticket_id
    cross join evaluation
)

select
    clocked.ticket_id,
    clocked.wait_number,
    clocked.started_at,
    clocked.opened_by_comment_id,
    clocked.ended_at,
    clocked.ended_by,
    clocked.closed_by_comment_id,
    clocked.counted_until,
    clocked.schedule_id,
    cast({{ dbt.datediff('clocked.started_at', 'clocked.counted_until', 'second') }} as bigint) as calendar_seconds,
    cast({{ business_seconds_at('cal_end', 'clocked.counted_until') }} - {{ business_seconds_at('cal_start', 'clocked.started_at') }} as bigint) as business_seconds
from clocked
{{ business_calendar_lookup('cal_start', 'clocked.schedule_id', 'clocked.started_at') }}
{{ business_calendar_lookup('cal_end', 'clocked.schedule_id', 'clocked.counted_until') }}
