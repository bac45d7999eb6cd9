{{ config(materialized='table') }}
{#-
  Every landed raw_helpdesk.satisfaction_responses row exactly once, renamed and cast, with
  quarantine_reason NULL for the row staging keeps (newest landing per key,
  usable) and a reason code otherwise. Computed once here; stg_helpdesk__satisfaction_responses
  keeps the good rows and quarantine_helpdesk__satisfaction_responses the others.
-#}
{{ helpdesk_satisfaction_responses_audited() }}
