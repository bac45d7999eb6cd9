{{ config(materialized='table') }}
{#-
  Every landed raw_helpdesk.sla_policies row exactly once, renamed and cast, with
  quarantine_reason NULL for the row staging keeps (newest landing per key,
  usable) and a reason code otherwise. Computed once here; stg_helpdesk__sla_policies
  keeps the good rows and quarantine_helpdesk__sla_policies the others.
-#}
{{ helpdesk_sla_policies_audited() }}
