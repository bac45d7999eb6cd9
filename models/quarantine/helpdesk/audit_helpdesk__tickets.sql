{{ config(materialized='table') }}
{#-
  Every landed raw_helpdesk.tickets row exactly once, renamed and cast, with
  quarantine_reason NULL for the row staging keeps (newest landing per key,
  usable) and a reason code otherwise. Computed once here; stg_helpdesk__tickets
  keeps the good rows and quarantine_helpdesk__tickets the others.
-#}
{{ helpdesk_tickets_audited() }}
