{#- Generic test: rows where `column <expression>` is false (NULLs pass). Returns the offending rows. -#}
{% test support_expression_is_true(model, column_name, expression) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and not ({{ column_name }} {{ expression }})
{% endtest %}
