{#-
  Body of a singular test: every landed raw row is accounted for exactly once.
  Per raw table, raw rows = staged rows (stg_<domain>__<table>) + quarantined
  rows (quarantine_<domain>__<table>). Re-sync duplicates removed by
  deduplication are quarantined with reason duplicate_resync, so they count too.
  Returns the tables that do not reconcile.

  tables: list of (raw schema, table, domain), e.g. ('raw_helpdesk', 'tickets', 'helpdesk').
-#}
{% macro raw_rows_reconcile(tables) %}
with counts as (
    {%- for schema, table, domain in tables %}
    select
        '{{ schema }}.{{ table }}' as source_table,
        (select count(*) from {{ source(schema, table) }}) as raw_rows,
        (select count(*) from {{ ref('stg_' ~ domain ~ '__' ~ table) }}) as staged_rows,
        (select count(*) from {{ ref('quarantine_' ~ domain ~ '__' ~ table) }}) as quarantined_rows
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select source_table, raw_rows, staged_rows, quarantined_rows
from counts
where raw_rows <> staged_rows + quarantined_rows
{% endmacro %}
