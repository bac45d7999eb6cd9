{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_tickets() }}"]
) }}
{#-
  One row per comment on an in-scope ticket made at or before the evaluation
  time, classified as the spec defines: an agent reply is a public comment by
  an agent or admin that was not made via automation; an end-user comment is a
  public comment by an end user. Internal notes are neither.
  Incremental (docs/incremental.md): a run recomputes the tickets of
  int_support__affected_tickets and keeps the rows of the others.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope', 'int_support__affected_tickets']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

comments as (
    select comment_id, ticket_id, author_id, is_public, via, created_at
    from {{ ref('stg_helpdesk__ticket_comments') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
)

select
    c.comment_id,
    c.ticket_id,
    c.author_id,
    u.role as author_role,
    c.is_public,
    c.via,
    c.created_at,
    c.is_public and u.role in ('agent', 'admin') and c.via <> 'automation' as is_agent_reply,
    c.is_public and u.role = 'end_user' as is_end_user_comment
from comments as c
inner join {{ ref('int_support__tickets') }} as t
    on t.ticket_id = c.ticket_id
inner join {{ ref('stg_helpdesk__users') }} as u
    on u.user_id = c.author_id
cross join evaluation
where c.created_at <= evaluation.as_of
