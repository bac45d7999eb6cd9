{#- Generic test: no two rows share the same values in `columns` (dbt_utils is not available offline). -#}
{% test unique_combination_of_helpdesk_columns(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
