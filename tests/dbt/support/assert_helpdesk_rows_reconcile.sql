{#-
  Every landed helpdesk row is accounted for exactly once: per raw table,
  raw rows = staged rows + quarantined rows. Re-sync duplicates removed by
  deduplication are quarantined with reason duplicate_resync, so they are
  counted too. Returns the tables that do not reconcile.
-#}
with counts as (
    select
        'tickets' as source_table,
        (select count(*) from {{ source('raw_helpdesk', 'tickets') }}) as raw_rows,
        (select count(*) from {{ ref('stg_helpdesk__tickets') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_helpdesk__tickets') }}) as quarantined_rows
    union all
    select
        'ticket_comments' as source_table,
        (select count(*) from {{ source('raw_helpdesk', 'ticket_comments') }}) as raw_rows,
        (select count(*) from {{ ref('stg_helpdesk__ticket_comments') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_helpdesk__ticket_comments') }}) as quarantined_rows
    union all
    select
        'ticket_field_history' as source_table,
        (select count(*) from {{ source('raw_helpdesk', 'ticket_field_history') }}) as raw_rows,
        (select count(*) from {{ ref('stg_helpdesk__ticket_field_history') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_helpdesk__ticket_field_history') }}) as quarantined_rows
    union all
    select
        'users' as source_table,
        (select count(*) from {{ source('raw_helpdesk', 'users') }}) as raw_rows,
        (select count(*) from {{ ref('stg_helpdesk__users') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_helpdesk__users') }}) as quarantined_rows
    union all
    select
        'groups' as source_table,
        (select count(*) from {{ source('raw_helpdesk', 'groups') }}) as raw_rows,
        (select count(*) from {{ ref('stg_helpdesk__groups') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_helpdesk__groups') }}) as quarantined_rows
    union all
    select
        'schedules' as source_table,
        (select count(*) from {{ source('raw_helpdesk', 'schedules') }}) as raw_rows,
        (select count(*) from {{ ref('stg_helpdesk__schedules') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_helpdesk__schedules') }}) as quarantined_rows
    union all
    select
        'schedule_holidays' as source_table,
        (select count(*) from {{ source('raw_helpdesk', 'schedule_holidays') }}) as raw_rows,
        (select count(*) from {{ ref('stg_helpdesk__schedule_holidays') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_helpdesk__schedule_holidays') }}) as quarantined_rows
    union all
    select
        'sla_policies' as source_table,
        (select count(*) from {{ source('raw_helpdesk', 'sla_policies') }}) as raw_rows,
        (select count(*) from {{ ref('stg_helpdesk__sla_policies') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_helpdesk__sla_policies') }}) as quarantined_rows
    union all
    select
        'satisfaction_responses' as source_table,
        (select count(*) from {{ source('raw_helpdesk', 'satisfaction_responses') }}) as raw_rows,
        (select count(*) from {{ ref('stg_helpdesk__satisfaction_responses') }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_helpdesk__satisfaction_responses') }}) as quarantined_rows
)

select source_table, raw_rows, staged_rows, quarantined_rows
from counts
where raw_rows <> staged_rows + quarantined_rows
