{#-
  Canonical value of a helpdesk enum: lower(trim(value)) looked up in
  seeds/helpdesk_enum_synonyms.csv (which lists every canonical value as its
  own synonym). NULL when the value is NULL or unknown; staging sends unknown
  non-NULL values to quarantine with reason `unknown_enum_value`.

  Used as a join (a hash join on a few dozen rows), not a correlated subquery,
  which DuckDB evaluates far more slowly on millions of rows:
      from raw {{ helpdesk_enum_join('via_map', 'via', 'raw.via') }}
      select via_map.canonical_value as via
-#}
{% macro helpdesk_enum_join(alias, enum_name, column_sql) -%}
    left join (
        select raw_value, canonical_value
        from {{ ref('helpdesk_enum_synonyms') }}
        where enum_name = '{{ enum_name }}'
    ) as {{ alias }}
        on {{ alias }}.raw_value = lower(trim({{ column_sql }}))
{%- endmacro %}
