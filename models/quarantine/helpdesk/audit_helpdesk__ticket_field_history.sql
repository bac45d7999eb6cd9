{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ support_delete_reaudited('support_reaudited_field_history', ['ticket_field_history', 'tickets']) }}"
) }}
{#-
  Every landed raw_helpdesk.ticket_field_history row exactly once, renamed and cast, with
  quarantine_reason NULL for the row staging keeps (newest landing per key,
  usable) and a reason code otherwise. Computed once here; stg_helpdesk__ticket_field_history
  keeps the good rows and quarantine_helpdesk__ticket_field_history the others.
  Incremental (docs/incremental.md): a run classifies again only the rows of
  tickets whose classification can have changed (macros/incremental/support_incremental_audits.sql).
-#}
-- depends_on: {{ ref('int_support__incremental_window') }}
-- depends_on: {{ source('raw_helpdesk', 'tickets') }}
{%- set window = support_load_window(is_incremental()) %}
{%- if window.incremental and not support_reaudit_everything(window, ['ticket_field_history', 'tickets']) %}
{{ helpdesk_ticket_field_history_audited(landed_filter=support_reaudited_field_history(window)) }}
{%- else %}
{{ helpdesk_ticket_field_history_audited() }}
{%- endif %}
