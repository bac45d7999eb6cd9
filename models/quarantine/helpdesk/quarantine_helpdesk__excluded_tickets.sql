{#- Staged tickets kept out of every support metric, with the reason (spec: deleted and merged tickets). -#}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
)

select
    t.ticket_id,
    t.account_id,
    t.created_at,
    t.merged_into_ticket_id,
    case
        when t.is_deleted then 'deleted'
        when t.merged_into_ticket_id is not null then 'merged'
        else 'created_after_as_of'
    end as exclusion_reason
from {{ ref('stg_helpdesk__tickets') }} as t
cross join evaluation
where t.is_deleted
    or t.merged_into_ticket_id is not null
    or t.created_at > evaluation.as_of
