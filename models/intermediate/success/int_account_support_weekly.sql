-- One row per account × ISO week (Monday start) with any support signal: tickets created,
-- SLA events started and SLA breaches (by the instant the breach happened), CSAT responses and
-- positive ones (4–5), NPS responses and the week's latest NPS score. Reads the support marts
-- (fct_tickets: tickets in scope of support metrics, deleted and merged ones excluded) and
-- the staged NPS survey answers.
with tickets as (
    select ticket_id, account_id, created_at, csat_score, csat_responded_at
    from {{ ref('fct_tickets') }}
    where account_id is not null
),

sla_events as (
    select
        tickets.account_id,
        sla.started_at,
        sla.breach_at,
        sla.is_breached
    from {{ ref('fct_sla_events') }} as sla
    inner join tickets
        on sla.ticket_id = tickets.ticket_id
),

nps as (
    select account_id, score, responded_at
    from {{ ref('stg_helpdesk__satisfaction_responses') }}
    where survey_type = 'nps' and account_id is not null and score is not null
),

signals as (
    select account_id, created_at as signal_at, 'ticket' as signal, cast(null as integer) as score
    from tickets
    union all
    select account_id, csat_responded_at, 'csat', cast(csat_score as integer)
    from tickets
    where csat_score is not null and csat_responded_at is not null
    union all
    select account_id, started_at, 'sla_event', null
    from sla_events
    where started_at is not null
    union all
    select account_id, breach_at, 'sla_breach', null
    from sla_events
    where is_breached and breach_at is not null
    union all
    select account_id, responded_at, 'nps', cast(score as integer)
    from nps
)

select
    account_id,
    cast({{ dbt.date_trunc('week', 'signal_at') }} as date) as week_start,
    cast(count(case when signal = 'ticket' then 1 end) as bigint) as tickets,
    cast(count(case when signal = 'sla_event' then 1 end) as bigint) as sla_events,
    cast(count(case when signal = 'sla_breach' then 1 end) as bigint) as sla_breaches,
    cast(count(case when signal = 'csat' then 1 end) as bigint) as csat_responses,
    cast(count(case when signal = 'csat' and score >= 4 then 1 end) as bigint) as csat_positive,
    cast(count(case when signal = 'nps' then 1 end) as bigint) as nps_responses,
    arg_max(case when signal = 'nps' then score end, case when signal = 'nps' then signal_at end)
        as latest_nps_score
from signals
where signal_at is not null
group by account_id, cast({{ dbt.date_trunc('week', 'signal_at') }} as date)
