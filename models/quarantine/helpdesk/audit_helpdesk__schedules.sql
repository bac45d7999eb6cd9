{{ config(materialized='table') }}
{#-
  Every landed raw_helpdesk.schedules row exactly once, renamed and cast, with
  quarantine_reason NULL for the row staging keeps (newest landing per key,
  usable) and a reason code otherwise. Computed once here; stg_helpdesk__schedules
  keeps the good rows and quarantine_helpdesk__schedules the others.
-#}
{{ helpdesk_schedules_audited() }}
