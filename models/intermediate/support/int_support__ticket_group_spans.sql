{#-
  One row per ticket × span [valid_from, valid_until) of the group holding the ticket, from the
  field history (field group_name; consecutive repeats collapsed). Before the first recorded
  change (or without any) the ticket's first group holds it from creation, the same repair as
  for priority and status. SLA breaches are attributed to the group holding the ticket at
  breach_at (fct_sla_events.breach_group_name).
-#}
with tickets as (
    select ticket_id, created_at, first_group_name
    from {{ ref('int_support__tickets') }}
),

recorded as (
    {{ support_field_changes('group_name', 'group_name') }}
),

first_recorded as (
    select ticket_id, min(changed_at) as first_changed_at from recorded group by ticket_id
),

all_changes as (
    select ticket_id, group_name, changed_at from recorded
    union all
    select tickets.ticket_id, tickets.first_group_name, tickets.created_at
    from tickets
    left join first_recorded on first_recorded.ticket_id = tickets.ticket_id
    where first_recorded.ticket_id is null or first_recorded.first_changed_at > tickets.created_at
),

changes as (
    select
        all_changes.*,
        lag(coalesce(group_name, '')) over (partition by ticket_id order by changed_at) as previous_value
    from all_changes
)

select
    ticket_id,
    group_name,
    changed_at as valid_from,
    lead(changed_at) over (partition by ticket_id order by changed_at) as valid_until
from changes
where previous_value is null or previous_value <> coalesce(group_name, '')
