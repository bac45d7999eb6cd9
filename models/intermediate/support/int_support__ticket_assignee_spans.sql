{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_tickets() }}"]
) }}
{#-
  One row per ticket × assignee span [valid_from, valid_until): who held the
  ticket when (agent marts attribute SLA breaches to the holder at breach_at).
  From ticket_field_history (field assignee_id; NULL value = unassigned),
  consecutive repeats collapsed. Repairs as for priority: no history →
  tickets.assignee_id from created_at; first recorded change after created_at →
  the ticket was unassigned until then (tickets are created unassigned unless
  the history says otherwise).
  Incremental (docs/incremental.md): a run recomputes the tickets of
  int_support__affected_tickets and keeps the rows of the others.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope', 'int_support__affected_tickets']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

tickets as (
    select ticket_id, created_at, ticket_row_assignee_id
    from {{ ref('int_support__tickets') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

recorded_changes as (
    select h.ticket_id, h.value as assignee_id, h.updated_at as changed_at
    from {{ ref('stg_helpdesk__ticket_field_history') }} as h
    inner join tickets on tickets.ticket_id = h.ticket_id
    cross join evaluation
    where h.field_name = 'assignee_id'
        and h.updated_at <= evaluation.as_of
),

ranked as (
    select
        recorded_changes.*,
        lag(coalesce(assignee_id, '')) over (partition by ticket_id order by changed_at) as previous_value
    from recorded_changes
),

changes as (
    select ticket_id, assignee_id, changed_at
    from ranked
    where previous_value is null or previous_value <> coalesce(assignee_id, '')
    union all
    select tickets.ticket_id, tickets.ticket_row_assignee_id, tickets.created_at
    from tickets
    where not exists (select 1 from recorded_changes as r where r.ticket_id = tickets.ticket_id)
)

select
    ticket_id,
    assignee_id,
    changed_at as valid_from,
    lead(changed_at) over (partition by ticket_id order by changed_at) as valid_until
from changes
