{#-
  Incremental classification of the largest raw helpdesk tables
  (audit_helpdesk__tickets, __ticket_comments, __ticket_field_history).
  Classifying a landing needs every landing of its key (newest wins) and the
  staged ticket and author it points to, so a run re-classifies whole keys:

  - comments: every comment_id landed in the window, every comment of a
    ticket landed in the window (its existence and created_at decide
    orphan_ticket / before_ticket_created), every comment by a user landed in
    the window (orphan_author);
  - field history: every row of a ticket with a field change or a ticket row
    landed in the window (the key contains ticket_id);
  - tickets: every landing of a ticket_id landed in the window (a ticket's
    classification reads only its own landings);
  - rows with a NULL key (null_key, one audit row each) landed in the window.

  The pre-hook deletes exactly those keys from the audit table and the model
  appends their new classification, in one transaction. The whole table is
  classified again when the window of a table it reads is unknown (no
  previous state, raw rows removed, or rows landed with a _loaded_at before
  the window: int_support__incremental_window.window_start is NULL).
-#}

{#- True when the audit must classify every landing again. -#}
{% macro support_reaudit_everything(window, raw_tables) -%}
    {%- set ns = namespace(everything=not window.incremental) -%}
    {%- for raw_table in raw_tables -%}
        {%- if window.incremental and (not window.starts.get(raw_table)
                or window.reasons.get(raw_table) == 'raw rows removed since the previous run') -%}
            {%- set ns.everything = true -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ns.everything) }}
{%- endmacro %}

{#- Condition on a landed comment (column prefix `p`): it is classified again in this run. -#}
{% macro support_reaudited_comments(window, p='') -%}
    (
        {{ p }}comment_id in (
            -- one scan of the raw comments
            select comment_id from {{ source('raw_helpdesk', 'ticket_comments') }}
            where {{ support_in_load_window(window, 'ticket_comments', '_loaded_at') }}
                or ticket_id in (
                    select ticket_id from {{ source('raw_helpdesk', 'tickets') }}
                    where {{ support_in_load_window(window, 'tickets', '_loaded_at') }}
                )
                or author_id in (
                    select user_id from {{ source('raw_helpdesk', 'users') }}
                    where {{ support_in_load_window(window, 'users', '_loaded_at') }}
                )
        )
        or ({{ p }}comment_id is null and {{ support_in_load_window(window, 'ticket_comments', p ~ '_loaded_at') }})
    )
{%- endmacro %}

{#- Condition on a landed field change (column prefix `p`): it is classified again in this run. -#}
{% macro support_reaudited_field_history(window, p='') -%}
    (
        cast({{ p }}ticket_id as {{ dbt.type_string() }}) in (
            select cast(ticket_id as {{ dbt.type_string() }}) from {{ source('raw_helpdesk', 'ticket_field_history') }}
            where {{ support_in_load_window(window, 'ticket_field_history', '_loaded_at') }}
            union
            select cast(ticket_id as {{ dbt.type_string() }}) from {{ source('raw_helpdesk', 'tickets') }}
            where {{ support_in_load_window(window, 'tickets', '_loaded_at') }}
        )
        or ({{ p }}ticket_id is null and {{ support_in_load_window(window, 'ticket_field_history', p ~ '_loaded_at') }})
    )
{%- endmacro %}

{#- Condition on a landed ticket row (column prefix `p`): it is classified again in this run. -#}
{% macro support_reaudited_tickets(window, p='') -%}
    (
        cast({{ p }}ticket_id as {{ dbt.type_string() }}) in (
            select cast(ticket_id as {{ dbt.type_string() }}) from {{ source('raw_helpdesk', 'tickets') }}
            where {{ support_in_load_window(window, 'tickets', '_loaded_at') }}
        )
        or ({{ p }}ticket_id is null and {{ support_in_load_window(window, 'tickets', p ~ '_loaded_at') }})
    )
{%- endmacro %}

{#- Pre-hook of an incremental audit: delete the keys classified again (`condition_macro`: one of the two macros above). -#}
{% macro support_delete_reaudited(condition_macro, raw_tables) -%}
    {%- set window = support_load_window(is_incremental()) -%}
    {%- if not window.incremental -%}
        select 1
    {%- elif support_reaudit_everything(window, raw_tables) -%}
        delete from {{ this }}
    {%- else -%}
        delete from {{ this }} where
        {%- if condition_macro == 'support_reaudited_comments' %} {{ support_reaudited_comments(window) }}
        {%- elif condition_macro == 'support_reaudited_tickets' %} {{ support_reaudited_tickets(window) }}
        {%- else %} {{ support_reaudited_field_history(window) }}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}
