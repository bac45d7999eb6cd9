{#-
  One row per ticket × span [valid_from, valid_until) of the SLA policy the helpdesk applied
  (field history, field `sla_policy`; raw contract). policy_name NULL = no policy applied
  (an emptied field): the priority rule holds. Tickets without sla_policy history have no
  rows: the priority rule holds for them throughout. Consecutive repeats collapsed.
-#}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

recorded as (
    select h.ticket_id, h.value as policy_name, h.updated_at as changed_at
    from {{ ref('stg_helpdesk__ticket_field_history') }} as h
    cross join evaluation
    where h.field_name = 'sla_policy'
        and h.updated_at <= evaluation.as_of
),

changes as (
    select
        recorded.*,
        lag(coalesce(policy_name, '')) over (partition by ticket_id order by changed_at) as previous_value
    from recorded
)

select
    ticket_id,
    policy_name,
    changed_at as valid_from,
    lead(changed_at) over (partition by ticket_id order by changed_at) as valid_until
from changes
where previous_value is null or previous_value <> coalesce(policy_name, '')
