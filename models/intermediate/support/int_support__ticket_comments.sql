{#-
  One row per comment on an in-scope ticket made at or before the evaluation
  time, classified as the spec defines: an agent reply is a public comment by
  an agent or admin that was not made via automation; an end-user comment is a
  public comment by an end user. Internal notes are neither.
-#}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
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
from {{ ref('stg_helpdesk__ticket_comments') }} as c
inner join {{ ref('int_support__tickets') }} as t
    on t.ticket_id = c.ticket_id
inner join {{ ref('stg_helpdesk__users') }} as u
    on u.user_id = c.author_id
cross join evaluation
where c.created_at <= evaluation.as_of
