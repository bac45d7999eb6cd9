{#- Staged ticket_comments: renamed, cast, enums canonical, newest landing per key; bad rows are in quarantine_helpdesk__ticket_comments. A view over audit_helpdesk__ticket_comments. -#}
with audited as (
    select * from {{ ref('audit_helpdesk__ticket_comments') }}
)

select
    comment_id,
    ticket_id,
    author_id,
    is_public,
    via,
    created_at,
    _loaded_at as loaded_at
from audited
where quarantine_reason is null
