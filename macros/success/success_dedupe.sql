{#-
  Re-sync handling shared by the billing and product audit models
  (docs/decisionlog/success.md, "Re-syncs").

  Wraps a CTE of landed rows and adds:
    resync_rank            1 = the newest `_loaded_at` of the key, which wins;
    is_newest_landing      the row belongs to the newest landing of its key;
    has_conflicting_copy   another row of the same key and the same `_loaded_at` has different
                           values: nobody can tell which is right, so the key is quarantined
                           (`conflicting_duplicate`) rather than one copy picked at random.
-#}
{% macro success_deduplicated(cte_name, key_columns, value_columns) -%}
    {#- Only keys landed more than once pay for windows and fingerprints (STYLE.md: deduplicating
        millions of rows row by row is slow; most keys are landed once). -#}
    {%- set join_condition -%}
        {%- for column in key_columns %}{% if not loop.first %} and {% endif %}landed.{{ column }} = duplicated.{{ column }}{% endfor -%}
    {%- endset %}
    select
        landed.*,
        cast(null as varchar) as row_fingerprint,
        cast(1 as bigint) as resync_rank,
        true as is_newest_landing,
        false as has_conflicting_copy
    from {{ cte_name }} as landed
    left join (
        select {{ key_columns | join(', ') }}
        from {{ cte_name }}
        group by {{ key_columns | join(', ') }}
        having count(*) > 1
    ) as duplicated
        on {{ join_condition }}
    where duplicated.{{ key_columns[0] }} is null
    union all
    select
        fingerprinted.*,
        row_number() over (
            partition by {{ key_columns | join(', ') }}
            order by _loaded_at desc nulls last, row_fingerprint
        ) as resync_rank,
        _loaded_at is not distinct from max(_loaded_at) over (partition by {{ key_columns | join(', ') }})
            as is_newest_landing,
        min(row_fingerprint) over (partition by {{ key_columns | join(', ') }}, _loaded_at)
            <> max(row_fingerprint) over (partition by {{ key_columns | join(', ') }}, _loaded_at)
            as has_conflicting_copy
    from (
        select
            landed.*,
            md5(concat_ws('|'
                {%- for column in value_columns %},
                coalesce(cast(landed.{{ column }} as varchar), '<null>')
                {%- endfor %}
            )) as row_fingerprint
        from {{ cte_name }} as landed
        inner join (
            select {{ key_columns | join(', ') }}
            from {{ cte_name }}
            group by {{ key_columns | join(', ') }}
            having count(*) > 1
        ) as duplicated
            on {{ join_condition }}
    ) as fingerprinted
{%- endmacro %}

{#- The reason codes of the dedupe step, in order; NULL when the row survives it. -#}
{% macro success_dedupe_reason() -%}
    case
        when is_newest_landing and has_conflicting_copy then 'conflicting_duplicate'
        when resync_rank > 1 then 'duplicate_resync'
    end
{%- endmacro %}
