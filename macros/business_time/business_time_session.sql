{#-
  Session setting for models that use the business-time engine. DuckDB plans an
  ASOF join as a nested loop + aggregate when it estimates the left side at 64
  rows or fewer (asof_loop_join_threshold); its estimate after windows and
  unions can be that low on millions of rows, turning the O(log n) lookup into
  rows × calendar. Forcing the ASOF operator keeps every lookup O(log n).
  Use as: {{ config(pre_hook=business_time_session()) }}. Nothing on other warehouses.
-#}
{% macro business_time_session() -%}
    {%- if target.type == 'duckdb' -%}
        set asof_loop_join_threshold = 0
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
