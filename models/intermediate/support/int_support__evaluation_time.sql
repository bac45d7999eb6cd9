{#-
  The evaluation instant every running clock counts up to (spec: var `as_of`,
  default the newest event in the data: ticket creation, comment, field
  change or survey answer; tickets.updated_at is not an event and is not
  validated, so it is left out). One row. Events after it are ignored
  by every support model, so a past as_of reproduces what was known then.
-#}
with newest_events as (
    select max(created_at) as newest_at from {{ ref('stg_helpdesk__tickets') }}
    union all
    select max(created_at) from {{ ref('stg_helpdesk__ticket_comments') }}
    union all
    select max(updated_at) from {{ ref('stg_helpdesk__ticket_field_history') }}
    union all
    select max(responded_at) from {{ ref('stg_helpdesk__satisfaction_responses') }}
)

select
    {%- if var('as_of', none) %}
    max(cast('{{ var("as_of") }}' as timestamp)) as as_of,
    'var as_of' as as_of_source
    {%- else %}
    max(newest_at) as as_of,
    'newest event in the data' as as_of_source
    {%- endif %}
from newest_events
