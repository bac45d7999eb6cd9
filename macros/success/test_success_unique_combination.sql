{#- Generic test: the combination of `columns` is unique (no dbt_utils here). Returns the duplicated combinations. -#}
{% test success_unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as rows_with_this_combination
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
