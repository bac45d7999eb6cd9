{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_tickets() }}"]
) }}
{#-
  Tickets in scope of the support metrics (not deleted, not merged into
  another, created at or before the evaluation time; the others are listed in
  quarantine_helpdesk__excluded_tickets), with the attributes every support
  model needs: requester role, first and current group, and the schedule the
  ticket is worked on.

  First group = the first non-NULL group_name in the ticket's field history; a
  ticket with no group history at all falls back to tickets.group_name (the
  only value known). Schedule = the first group's schedule_id; a ticket with
  no group, a group without a schedule, or a schedule_id with no valid row in
  stg_helpdesk__schedules uses var default_schedule_id; if that schedule does not exist
  either, schedule_id is NULL and business minutes are NULL.

  Incremental (docs/incremental.md): a run recomputes the tickets of
  int_support__affected_tickets and keeps the rows of the others.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope', 'int_support__affected_tickets']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

tickets as (
    select t.*
    from {{ ref('stg_helpdesk__tickets') }} as t
    cross join evaluation
    where not t.is_deleted
        and t.merged_into_ticket_id is null
        and t.created_at <= evaluation.as_of
        and {{ support_ticket_in_scope(scope, 't.ticket_id') }}
),

group_changes as (
    select h.ticket_id, h.value as group_name, h.updated_at
    from {{ ref('stg_helpdesk__ticket_field_history') }} as h
    cross join evaluation
    where h.field_name = 'group_name'
        and h.updated_at <= evaluation.as_of
        and {{ support_ticket_in_scope(scope, 'h.ticket_id') }}
),

group_changes_ranked as (
    select
        group_changes.*,
        row_number() over (partition by ticket_id order by updated_at desc) as newest_rank,
        case when group_name is not null
            then row_number() over (partition by ticket_id, group_name is not null order by updated_at)
        end as assigned_rank
    from group_changes
),

group_summary as (
    select
        ticket_id,
        max(case when assigned_rank = 1 then group_name end) as first_group_name,
        max(case when newest_rank = 1 then coalesce(group_name, '') end) as current_group_name
    from group_changes_ranked
    group by ticket_id
),

known_schedules as (
    select distinct schedule_id from {{ ref('int_support__business_calendar') }}
),

default_schedule as (
    select max(schedule_id) as schedule_id
    from known_schedules
    where schedule_id = '{{ var("default_schedule_id") }}'
),

with_groups as (
    select
        tickets.ticket_id,
        tickets.account_id,
        tickets.requester_id,
        tickets.assignee_id as ticket_row_assignee_id,
        tickets.channel,
        tickets.priority as ticket_row_priority,
        tickets.status as ticket_row_status,
        tickets.ticket_type,
        tickets.ticket_function,
        tickets.created_at,
        tickets.updated_at,
        case when group_summary.ticket_id is null then tickets.group_name
            else group_summary.first_group_name end as first_group_name,
        case when group_summary.ticket_id is null then tickets.group_name
            else nullif(group_summary.current_group_name, '') end as current_group_name
    from tickets
    left join group_summary on group_summary.ticket_id = tickets.ticket_id
)

select
    with_groups.ticket_id,
    with_groups.account_id,
    with_groups.requester_id,
    with_groups.ticket_row_assignee_id,
    requester.role as requester_role,
    coalesce(requester.role = 'end_user', false) as is_requested_by_end_user,
    with_groups.channel,
    with_groups.ticket_row_priority,
    with_groups.ticket_row_status,
    with_groups.ticket_type,
    with_groups.ticket_function,
    with_groups.created_at,
    with_groups.updated_at,
    with_groups.first_group_name,
    first_group.tier as first_group_tier,
    with_groups.current_group_name,
    coalesce(group_schedule.schedule_id, default_schedule.schedule_id) as schedule_id,
    case
        when group_schedule.schedule_id is not null then 'first group schedule'
        when default_schedule.schedule_id is not null then 'default schedule'
        else 'no schedule: business minutes are NULL'
    end as schedule_source
from with_groups
cross join default_schedule
left join {{ ref('stg_helpdesk__users') }} as requester
    on requester.user_id = with_groups.requester_id
left join {{ ref('stg_helpdesk__groups') }} as first_group
    on first_group.group_name = with_groups.first_group_name
left join known_schedules as group_schedule
    on group_schedule.schedule_id = first_group.schedule_id
