{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ support_delete_reaudited('support_reaudited_tickets', ['tickets']) }}"
) }}
{#-
  Every landed raw_helpdesk.tickets row exactly once, renamed and cast, with
  quarantine_reason NULL for the row staging keeps (newest landing per key,
  usable) and a reason code otherwise. Computed once here; stg_helpdesk__tickets
  keeps the good rows and quarantine_helpdesk__tickets the others.
  Incremental (docs/incremental.md): a run classifies again only the tickets
  with a landing in the load window (macros/incremental/support_incremental_audits.sql).
-#}
-- depends_on: {{ ref('int_support__incremental_window') }}
{%- set window = support_load_window(is_incremental()) %}
{%- if window.incremental and not support_reaudit_everything(window, ['tickets']) %}
{{ helpdesk_tickets_audited(landed_filter=support_reaudited_tickets(window)) }}
{%- else %}
{{ helpdesk_tickets_audited() }}
{%- endif %}
