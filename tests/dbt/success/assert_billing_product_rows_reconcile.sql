{#-
  Every landed billing and product row is accounted for exactly once: per raw table,
  raw rows = staged rows + quarantined rows. Re-sync duplicates removed by deduplication
  are quarantined with reason duplicate_resync, so they are counted too.
  Returns the tables that do not reconcile.
-#}
{%- set tables = [
    ('raw_billing', 'customers', 'billing'),
    ('raw_billing', 'plans', 'billing'),
    ('raw_billing', 'subscriptions', 'billing'),
    ('raw_billing', 'subscription_items', 'billing'),
    ('raw_billing', 'invoices', 'billing'),
    ('raw_billing', 'refunds', 'billing'),
    ('raw_billing', 'exchange_rates', 'billing'),
    ('raw_product', 'daily_usage', 'product'),
] %}
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
