{#-
  A local wall-clock TIMESTAMP in IANA zone `timezone_sql` as a naive UTC
  TIMESTAMP. `ts AT TIME ZONE zone` reads a naive timestamp as local time in
  zone (giving an instant); `AT TIME ZONE 'UTC'` turns the instant back into
  UTC wall-clock. Same meaning in DuckDB (ICU) and PostgreSQL. DST edges: see
  int_support__business_calendar.
-#}
{% macro support_local_to_utc(timestamp_sql, timezone_sql) -%}
    {{ return(adapter.dispatch('support_local_to_utc', 'support_success')(timestamp_sql, timezone_sql)) }}
{%- endmacro %}

{% macro default__support_local_to_utc(timestamp_sql, timezone_sql) -%}
    cast((({{ timestamp_sql }}) at time zone ({{ timezone_sql }})) at time zone 'UTC' as timestamp)
{%- endmacro %}
