{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_tickets() }}"]
) }}
{#-
  One row per ticket × priority span [valid_from, valid_until): which priority
  was in force when (SLA policies are chosen by the priority in force at
  fulfilment). From ticket_field_history (field priority), consecutive repeats
  collapsed. Repairs: no priority history → tickets.priority from created_at;
  first recorded change after created_at → that first value applies from
  created_at (the creation value was not recorded but is the best evidence).
  Incremental (docs/incremental.md): a run recomputes the tickets of
  int_support__affected_tickets and keeps the rows of the others.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope', 'int_support__affected_tickets']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

tickets as (
    select ticket_id, created_at, ticket_row_priority
    from {{ ref('int_support__tickets') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

recorded_changes as (
    select h.ticket_id, h.value as priority, h.updated_at as changed_at
    from {{ ref('stg_helpdesk__ticket_field_history') }} as h
    inner join tickets on tickets.ticket_id = h.ticket_id
    cross join evaluation
    where h.field_name = 'priority'
        and h.updated_at <= evaluation.as_of
),

ranked as (
    select
        recorded_changes.*,
        lag(priority) over (partition by ticket_id order by changed_at) as previous_value,
        row_number() over (partition by ticket_id order by changed_at) as change_number
    from recorded_changes
),

changes as (
    select
        ranked.ticket_id,
        ranked.priority,
        case when ranked.change_number = 1 and ranked.changed_at > tickets.created_at
            then tickets.created_at else ranked.changed_at end as changed_at
    from ranked
    inner join tickets on tickets.ticket_id = ranked.ticket_id
    where ranked.previous_value is null or ranked.previous_value <> ranked.priority
    union all
    select tickets.ticket_id, tickets.ticket_row_priority, tickets.created_at
    from tickets
    where not exists (select 1 from recorded_changes as r where r.ticket_id = tickets.ticket_id)
)

select
    ticket_id,
    priority,
    changed_at as valid_from,
    lead(changed_at) over (partition by ticket_id order by changed_at) as valid_until
from changes
