{#-
  One row per ticket × span [valid_from, valid_until) of the SLA policy the helpdesk applied
  (field history, field `sla_policy`; raw contract). policy_name NULL = no policy applied
  (an emptied field): the priority rule holds. Tickets without sla_policy history have no
  rows: the priority rule holds for them throughout. Consecutive repeats collapsed.
-#}
with recorded as (
    {{ support_field_changes('sla_policy', 'policy_name') }}
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
