{{ config(materialized='table') }}
{#-
  Every landed raw_helpdesk.schedule_holidays row exactly once, renamed and cast, with
  quarantine_reason NULL for the row staging keeps (newest landing per key,
  usable) and a reason code otherwise. Computed once here; stg_helpdesk__schedule_holidays
  keeps the good rows and quarantine_helpdesk__schedule_holidays the others.
-#}
{{ helpdesk_schedule_holidays_audited() }}
