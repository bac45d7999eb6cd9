{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ support_delete_reaudited('support_reaudited_comments', ['ticket_comments', 'tickets', 'users']) }}"
) }}
{#-
  Every landed raw_helpdesk.ticket_comments row exactly once, renamed and cast, with
  quarantine_reason NULL for the row staging keeps (newest landing per key,
  usable) and a reason code otherwise. Computed once here; stg_helpdesk__ticket_comments
  keeps the good rows and quarantine_helpdesk__ticket_comments the others.
  Incremental (docs/incremental.md): a run classifies again only the comments
  whose classification can have changed (macros/incremental/support_incremental_audits.sql).
-#}
-- depends_on: {{ ref('int_support__incremental_window') }}
-- depends_on: {{ source('raw_helpdesk', 'tickets') }}
-- depends_on: {{ source('raw_helpdesk', 'users') }}
{%- set window = support_load_window(is_incremental()) %}
{%- if window.incremental and not support_reaudit_everything(window, ['ticket_comments', 'tickets', 'users']) %}
{{ helpdesk_ticket_comments_audited(landed_filter=support_reaudited_comments(window)) }}
{%- else %}
{{ helpdesk_ticket_comments_audited() }}
{%- endif %}
