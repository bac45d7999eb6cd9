{#-
  Tickets whose figures still move with the evaluation time, one row each,
  written at the end of every run for the next incremental run
  (int_support__affected_tickets recomputes them whether or not new rows
  arrived): status at the evaluation time other than solved or closed, an
  SLA clock still running (no fulfilled_at), or a next-response wait still
  open. Every other ticket is final: nothing of it changes until a new raw
  row of it (or of its users) lands.

  earliest_moving_day: the first UTC day whose daily figures the ticket can
  change without new rows, when that is before the evaluation day: a running
  clock whose elapsed time equals its target exactly is still `running`, and
  turns `running_breached` on the day of its breach_at (which can be days
  before the next evaluation time, over a weekend).
-#}
-- depends_on: {{ ref('agg_support_daily') }}
-- depends_on: {{ ref('agg_agent_daily') }}
with unfinished as (
    select ticket_id, cast(null as date) as moving_day
    from {{ ref('fct_tickets') }}
    where status is null or status not in ('solved', 'closed')
    union all
    -- a running_breached clock keeps its breach day; a running one breaches on breach_at's day
    select ticket_id, case when sla_status = 'running' then cast(breach_at as date) end
    from {{ ref('fct_sla_events') }}
    where fulfilled_at is null
    union all
    select ticket_id, cast(null as date)
    from {{ ref('int_support__next_response_waits') }}
    where ended_at is null
)

select
    ticket_id,
    min(moving_day) as earliest_moving_day
from unfinished
group by ticket_id
