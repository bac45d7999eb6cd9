{#-
  fct_sla_events agrees with fct_tickets (one engine, two marts):
  - at most one first_response and one resolution row per ticket;
  - no more next_response rows than the ticket has waits;
  - a first_response stopped by an agent reply stops at the ticket's first reply;
  - a stopped resolution stops at the ticket's last solve (solved tickets);
  - resolution elapsed on a business-hours policy = the ticket's requester wait time;
  - the ticket's sla_breaches = its breached rows.
  Returns one row per violation.
-#}
with sla as (
    select * from {{ ref('fct_sla_events') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

per_ticket as (
    select
        ticket_id,
        sum(case when metric = 'first_response' then 1 else 0 end) as first_response_rows,
        sum(case when metric = 'resolution' then 1 else 0 end) as resolution_rows,
        sum(case when metric = 'next_response' then 1 else 0 end) as next_response_rows,
        sum(case when is_breached then 1 else 0 end) as breached_rows
    from sla
    group by ticket_id
),

waits as (
    select ticket_id, count(*) as waits
    from {{ ref('int_support__next_response_waits') }}
    group by ticket_id
)

select p.ticket_id, 'more than one first_response or resolution row' as violation
from per_ticket as p
where p.first_response_rows > 1 or p.resolution_rows > 1
union all
select p.ticket_id, 'more next_response rows than waits'
from per_ticket as p
left join waits as w on w.ticket_id = p.ticket_id
where p.next_response_rows > coalesce(w.waits, 0)
union all
select s.ticket_id, 'first_response fulfilled by a reply that is not the first reply'
from sla as s
inner join tickets as t on t.ticket_id = s.ticket_id
where s.metric = 'first_response' and s.fulfilled_by = 'agent_reply'
    and s.fulfilled_at <> t.first_reply_at
union all
select s.ticket_id, 'resolution stopped somewhere other than the last solve'
from sla as s
inner join tickets as t on t.ticket_id = s.ticket_id
where s.metric = 'resolution' and t.solved_at is not null
    and s.fulfilled_at <> t.solved_at
union all
select s.ticket_id, 'resolution elapsed differs from requester wait time'
from sla as s
inner join tickets as t on t.ticket_id = s.ticket_id
where s.metric = 'resolution' and s.in_business_hours
    and abs(s.elapsed_minutes - t.requester_wait_minutes_business) > 0.0001
union all
select t.ticket_id, 'sla_breaches differs from breached SLA rows'
from tickets as t
left join per_ticket as p on p.ticket_id = t.ticket_id
where t.sla_breaches <> coalesce(p.breached_rows, 0)
