{{ config(materialized='table') }}
{#-
  Every landed raw_helpdesk.users row exactly once, renamed and cast, with
  quarantine_reason NULL for the row staging keeps (newest landing per key,
  usable) and a reason code otherwise. Computed once here; stg_helpdesk__users
  keeps the good rows and quarantine_helpdesk__users the others.
-#}
{{ helpdesk_users_audited() }}
