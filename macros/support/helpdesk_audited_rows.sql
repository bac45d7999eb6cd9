{#-
  Classify every landed row of one raw helpdesk table exactly once.

  `typed_sql` is a SELECT that renames and casts the raw columns (no PII) and
  carries `_loaded_at`; it may join lookups that `checks` need. The result has
  the typed columns plus `quarantine_reason`: NULL for the row staging keeps,
  otherwise a reason code (see seeds/helpdesk_quarantine_reasons.csv):

  1. `null_key`           a key column is NULL;
  2. `duplicate_resync`   an older landing of the same key (newest `_loaded_at`
                          wins), or an identical copy landed at the same time;
  3. `duplicate_conflict` same key and same `_loaded_at` as the kept row but
                          different values (the kept row is the one whose
                          values sort first: deterministic, documented);
  4. the table's own `checks`, in order, applied to the surviving version.

  Deduplication first, validation second: the newest landing of a key is the
  truth even when it is broken (then the key is quarantined, not silently
  replaced by a stale version). Only keys that occur more than once are
  ranked, so an 8M-row table without duplicates pays one hash aggregate.
-#}
{% macro helpdesk_audited_rows(typed_sql, key_columns, value_columns, checks) %}
{%- set all_columns = key_columns + value_columns -%}
with typed as (
    {{ typed_sql }}
),

duplicated_keys as (
    select {{ key_columns | join(', ') }}
    from typed
    where {% for k in key_columns %}{{ k }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
    group by {{ key_columns | join(', ') }}
    having count(*) > 1
),

duplicate_versions as (
    select
        typed.*,
        {{ dbt.hash(dbt.concat(helpdesk_coalesced_text(all_columns, 'typed'))) }} as _row_hash
    from typed
    inner join duplicated_keys as d
        on {% for k in key_columns %}typed.{{ k }} = d.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
),

ranked_duplicates as (
    select
        duplicate_versions.*,
        row_number() over newest_first as _version_rank,
        first_value(_loaded_at) over newest_first as _winner_loaded_at,
        first_value(_row_hash) over newest_first as _winner_hash
    from duplicate_versions
    window newest_first as (
        partition by {{ key_columns | join(', ') }}
        order by _loaded_at desc nulls last, _row_hash
        rows between unbounded preceding and unbounded following
    )
),

unique_rows as (
    select
        typed.*,
        cast(null as {{ dbt.type_string() }}) as _row_hash,
        1 as _version_rank,
        cast(null as timestamp) as _winner_loaded_at,
        cast(null as {{ dbt.type_string() }}) as _winner_hash
    from typed
    left join duplicated_keys as d
        on {% for k in key_columns %}typed.{{ k }} = d.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
    where d.{{ key_columns[0] }} is null
),

all_versions as (
    select * from unique_rows
    union all
    select * from ranked_duplicates
)

select
    {{ all_columns | join(', ') }},
    _loaded_at,
    case
        when {% for k in key_columns %}{{ k }} is null{% if not loop.last %} or {% endif %}{% endfor %} then 'null_key'
        when _version_rank > 1
            and (_loaded_at < _winner_loaded_at or _loaded_at is null or _row_hash = _winner_hash)
            then 'duplicate_resync'
        when _version_rank > 1 then 'duplicate_conflict'
        {%- for reason, condition in checks %}
        when {{ condition }} then '{{ reason }}'
        {%- endfor %}
    end as quarantine_reason
from all_versions
{% endmacro %}

{% macro helpdesk_coalesced_text(columns, alias) -%}
    {%- set parts = [] -%}
    {%- for c in columns -%}
        {%- do parts.append("coalesce(cast(" ~ alias ~ "." ~ c ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}
