{#-
  The two computations of an SLA row agree: sla_status (elapsed vs target) and
  breach_at (the instant start + target on the policy's clock).
  - breached: the clock stopped after breach_at;
  - running_breached: breach_at is at or before the evaluation time;
  - achieved: the clock stopped at or before breach_at, unless it stopped outside
    business hours with elapsed exactly on target (breach_at is then the end of
    the last working interval);
  - running: breach_at not yet passed, with the same exception.
  Elapsed time is never negative.
-#}
select sla_event_id, sla_status, fulfilled_at, breach_at, evaluated_at, elapsed_minutes
from {{ ref('fct_sla_events') }}
where elapsed_minutes < 0
    or (sla_status = 'breached' and not (breach_at < fulfilled_at))
    or (sla_status = 'running_breached' and not (breach_at <= evaluated_at))
    or (sla_status = 'achieved' and breach_at < fulfilled_at and elapsed_minutes <> target_minutes)
    or (sla_status = 'running' and breach_at < evaluated_at and elapsed_minutes <> target_minutes)
