{#-
  Exact recurring-revenue arithmetic (docs/decisionlog/success.md, "Exact MRR arithmetic").

  DuckDB turns DECIMAL / DECIMAL into DOUBLE, so dividing a price by a cycle length would
  leave the world of exact decimals. An item's MRR is therefore computed as a whole number
  of 1e-10 currency units, rounded half up once:

      mrr_e10 = round( quantity × unit_amount × (100 − discount_percent) × 1e10
                       / (100 × cycle_months) )

  quantity × unit_amount × (100 − discount_percent) is exact (scale 8), so the only rounding
  is at the tenth decimal, far below the cent. Sums of mrr_e10 are exact integers. The product is
  formed in HUGEINT and the result stored as BIGINT, which holds an item MRR up to 922 million
  currency units a month.
-#}
{% macro success_item_mrr_e10(quantity, unit_amount, discount_percent, cycle_months) -%}
    {{ return(adapter.dispatch('success_item_mrr_e10', 'support_success')(quantity, unit_amount, discount_percent, cycle_months)) }}
{%- endmacro %}

{% macro duckdb__success_item_mrr_e10(quantity, unit_amount, discount_percent, cycle_months) -%}
    cast(
        (
            cast(
                cast({{ quantity }} as bigint)
                * cast({{ unit_amount }} as decimal(18, 4))
                * (100 - cast({{ discount_percent }} as decimal(9, 4)))
                * 100000000
                as hugeint
            ) * 200
            + 100 * cast({{ cycle_months }} as bigint)
        ) // (200 * cast({{ cycle_months }} as bigint))
    as bigint)
{%- endmacro %}

{% macro default__success_item_mrr_e10(quantity, unit_amount, discount_percent, cycle_months) -%}
    floor(
        (
            cast({{ quantity }} as numeric(38, 0))
            * cast({{ unit_amount }} as numeric(18, 4))
            * (100 - cast({{ discount_percent }} as numeric(9, 4)))
            * 100000000 * 200
            + 100 * {{ cycle_months }}
        ) / (200 * {{ cycle_months }})
    )
{%- endmacro %}

{#- A whole number of 1e-10 units back to an exact DECIMAL(38, 10) amount. -#}
{% macro success_e10_to_amount(expression) -%}
    (cast({{ expression }} as decimal(38, 0)) * cast(0.0000000001 as decimal(11, 10)))
{%- endmacro %}

{#- Money rounded to the cent (half away from zero), the only rounding step of the marts. -#}
{% macro success_to_cents(expression) -%}
    cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}

{#- A ratio, NULL (never 0, never an error) when the denominator is 0 or NULL. -#}
{% macro success_ratio(numerator, denominator, scale=6) -%}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast(round(cast({{ numerator }} as double) / cast({{ denominator }} as double), {{ scale }}) as decimal(18, {{ scale }}))
    end
{%- endmacro %}

{#- Ranks re-synced copies of a key: 1 = the newest `_loaded_at`, which wins. -#}
{% macro success_resync_rank(key_columns) -%}
    row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by _loaded_at desc nulls last
    )
{%- endmacro %}

{#- An id as landed (not trimmed: other domains join on it as is), blank read as missing. -#}
{% macro success_clean_id(column) -%}
    case when trim(cast({{ column }} as varchar)) = '' then null else cast({{ column }} as varchar) end
{%- endmacro %}

{#- A currency code as landed, trimmed and upper-cased (' usd' -> USD). Symbols and names
    (US$, EURO, £) are not guessed: what is not an ISO-4217 code of seeds/currencies.csv is
    quarantined as unknown_currency (subscriptions, plans, invoices, refunds), or not passed
    on (a customer's informational billing_currency). -#}
{% macro success_clean_currency(column) -%}
    nullif(upper(trim(cast({{ column }} as varchar))), '')
{%- endmacro %}

{#- The var `as_of` as a timestamp literal, or NULL when unset. -#}
{% macro success_as_of_var() -%}
    {%- if var('as_of', none) -%}
        cast('{{ var("as_of") }}' as timestamp)
    {%- else -%}
        cast(null as timestamp)
    {%- endif -%}
{%- endmacro %}

{#-
  One row per period start (DATE) from start_date to end_date inclusive, stepping by one
  `period` ('month' or 'week'), in a column named `alias`. The month and week spines of the
  success marts (months of MRR, ISO weeks of account health) both come from here.
-#}
{% macro success_period_series(start_date, end_date, period, alias) -%}
    {%- if period not in ('month', 'week') -%}
        {{ exceptions.raise_compiler_error("success_period_series: period must be 'month' or 'week', got " ~ period) }}
    {%- endif -%}
    {{ return(adapter.dispatch('success_period_series', 'support_success')(start_date, end_date, period, alias)) }}
{%- endmacro %}

{% macro duckdb__success_period_series(start_date, end_date, period, alias) -%}
    select cast(unnest(generate_series(
        cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp),
        {{ 'interval 1 month' if period == 'month' else 'interval 7 day' }}
    )) as date) as {{ alias }}
{%- endmacro %}

{% macro default__success_period_series(start_date, end_date, period, alias) -%}
    {#- 1200 months = 100 years; 5300 weeks = about 100 years. -#}
    select cast({{ alias }} as date) as {{ alias }}
    from (
        select cast({{ start_date }} as date)
            + (n * {{ "interval '1 month'" if period == 'month' else "interval '7 day'" }}) as {{ alias }}
        from generate_series(0, {{ 1200 if period == 'month' else 5300 }}) as n
    ) as series
    where {{ alias }} <= cast({{ end_date }} as date)
{%- endmacro %}

{#- One row per month start (DATE) from start_month to end_month inclusive, as `month_start`. -#}
{% macro success_month_series(start_month, end_month) -%}
    {{ success_period_series(start_month, end_month, 'month', 'month_start') }}
{%- endmacro %}

{#- One row per ISO week start (Monday, DATE) from start_week to end_week inclusive, as `week_start`. -#}
{% macro success_week_series(start_week, end_week) -%}
    {{ success_period_series(start_week, end_week, 'week', 'week_start') }}
{%- endmacro %}

{#- The `valid_to` of a row that is still current: a far-future instant, never NULL. -#}
{% macro success_far_future() -%}
    cast('9999-12-31 00:00:00' as timestamp)
{%- endmacro %}
