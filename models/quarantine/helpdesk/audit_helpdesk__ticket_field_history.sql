{{ config(materialized='table') }}
{#-
  Every landed raw_helpdesk.ticket_field_history row exactly once, renamed and cast, with
  quarantine_reason NULL for the row staging keeps (newest landing per key,
  usable) and a reason code otherwise. Computed once here; stg_helpdesk__ticket_field_history
  keeps the good rows and quarantine_helpdesk__ticket_field_history the others.
-#}
{{ helpdesk_ticket_field_history_audited() }}
