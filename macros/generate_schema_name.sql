{#-
  Models land in the schema named by their folder's `+schema` config as is
  (`staging`, `quarantine`, `intermediate`, `marts`, `reference`) rather than
  dbt's default `<target_schema>_<custom>`: BI users read `marts.fct_tickets`.
  Set the env var WAREHOUSE_SCHEMA_PREFIX (for example `dev_alice_`) to keep
  several developers apart in one shared warehouse.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set prefix = env_var('WAREHOUSE_SCHEMA_PREFIX', '') -%}
    {%- if custom_schema_name is none -%}
        {{ prefix }}{{ target.schema | trim }}
    {%- else -%}
        {{ prefix }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
