{#-
  The recorded changes of one tracked field of the field history, up to the evaluation
  instant, as (ticket_id, <value_alias>, changed_at): the input of the span models of that
  field (group_name, sla_policy).
-#}
{% macro support_field_changes(field_name, value_alias) -%}
    select h.ticket_id, h.value as {{ value_alias }}, h.updated_at as changed_at
    from {{ ref('stg_helpdesk__ticket_field_history') }} as h
    cross join (select as_of from {{ ref('int_support__evaluation_time') }}) as evaluation
    where h.field_name = '{{ field_name }}'
        and h.updated_at <= evaluation.as_of
{%- endmacro %}
